import { DuckDbStore } from '@tackle/pipeline'
import { Analytics } from '@tackle/analytics'
import { fill } from './insights-fill.tmp.ts'
const store = await DuckDbStore.open('/tmp/w/prof/b10m.duckdb')
await fill(store, 10_000_000, 100_000)
await new Analytics(store, { resolveEveryMs: 0 }).resolver.resolvePending()
await store.close()
