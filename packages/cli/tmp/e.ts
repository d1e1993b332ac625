import Value from 'typebox/value'
import { ConfigSchema } from '../src/config.ts'
for (const v of [{ kafka: { nodes: 'three' } }, { kafka: { nodes: 12 } }, { pipeline: { trackingPlans: { a: { mode: 'x', events: {} } } } }, { kafka: { nodez: 1 } }, { pipeline: { retentionDays: 0 } }])
  console.log(JSON.stringify([...Value.Errors(ConfigSchema, v)]))
