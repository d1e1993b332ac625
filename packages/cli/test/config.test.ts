import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { defaultKafkaDir, loadConfig } from '../src/config.ts'

async function tempDir (t: test.TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-config-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('loadConfig should work with no file and no environment', async (t) => {
  const cwd = await tempDir(t)
  assert.deepEqual(await loadConfig({ env: {}, cwd }), { config: { kafka: {}, pipeline: {} }, file: undefined })
})

test('loadConfig should read tackle.config.json and let TACKLE_KAFKA_* override it', async (t) => {
  const cwd = await tempDir(t)
  await writeFile(join(cwd, 'tackle.config.json'), JSON.stringify({ brokers: 'h:1', kafka: { nodes: 1, heapMb: 256, dir: '/from/file' } }))
  const { config, file } = await loadConfig({ env: { TACKLE_KAFKA_NODES: '5', TACKLE_KAFKA_DIR: '/from/env' }, cwd })
  assert.equal(file, join(cwd, 'tackle.config.json'))
  assert.deepEqual(config, { brokers: 'h:1', kafka: { nodes: 5, heapMb: 256, dir: '/from/env' }, pipeline: {} })
})

test('loadConfig should name the file and the path of every bad setting', async (t) => {
  const cwd = await tempDir(t)
  await writeFile(join(cwd, 'bad.json'), JSON.stringify({ kafka: { nodes: 12, colour: 'red' } }))
  await assert.rejects(loadConfig({ file: 'bad.json', env: {}, cwd }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_CLI_CONFIG_INVALID')
    assert.match(error.message, /bad\.json: kafka\.nodes must be a whole number from 1 to 9 \(got 12\)/)
    assert.match(error.message, /bad\.json: kafka\.colour is not a setting; the settings there are dir, nodes, heapMb, portBase, brokerConfig/)
    return true
  })
  await writeFile(join(cwd, 'enrich.json'), JSON.stringify({ pipeline: { enrichment: { geoip: 'yes', bots: { include: 'Bot' }, ua: true } } }))
  await assert.rejects(loadConfig({ file: 'enrich.json', env: {}, cwd }), (error: Error) => {
    assert.match(error.message, /enrich\.json: pipeline\.enrichment\.geoip must be/)
    assert.match(error.message, /enrich\.json: pipeline\.enrichment\.bots\.include must be/)
    assert.match(error.message, /enrich\.json: pipeline\.enrichment\.ua is not a setting; the settings there are geoip, geoipDatabase, userAgent, bots/)
    return true
  })
})

test('loadConfig should reject a bad environment value, a missing named file and broken JSON', async (t) => {
  const cwd = await tempDir(t)
  await assert.rejects(loadConfig({ env: { TACKLE_KAFKA_NODES: 'three' }, cwd }), /TACKLE_KAFKA_NODES must be a whole number from 1 to 9 \(got "three"\)$/)
  await assert.rejects(loadConfig({ env: { TACKLE_LOG_LEVEL: 'verbose' }, cwd }), /TACKLE_LOG_LEVEL must be one of: trace, debug, info, warn, error, fatal, silent \(got "verbose"\)/)
  await assert.rejects(loadConfig({ env: { TACKLE_KAFKA_HEAP_MB: '1.5' }, cwd }), /TACKLE_KAFKA_HEAP_MB must be a whole number from 128 to 8192 \(got 1\.5\)$/)
  await assert.rejects(loadConfig({ env: { TACKLE_CONFIG: 'nope.json' }, cwd }), /cannot read .*nope\.json/)
  await writeFile(join(cwd, 'tackle.config.json'), '{ "brokers": ')
  await assert.rejects(loadConfig({ env: {}, cwd }), /tackle\.config\.json is not valid JSON/)
})

test('defaultKafkaDir should follow XDG_STATE_HOME', () => {
  assert.equal(defaultKafkaDir({ XDG_STATE_HOME: '/state' }), '/state/tackle/kafka')
})

test('loadConfig should read the pipeline section and let TACKLE_* variables override it', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'tackle-config-'))
  await writeFile(join(cwd, 'tackle.config.json'), JSON.stringify({ pipeline: { collectorPort: 9000, writeKeys: ['from-file'], experiments: { e1: { conversionEvent: 'Order Completed' } } } }))
  const { config } = await loadConfig({ env: { TACKLE_WRITE_KEYS: 'a, b', TACKLE_DASHBOARD_PORT: '3100' }, cwd })
  assert.deepEqual(config.pipeline, { collectorPort: 9000, writeKeys: ['a', 'b'], dashboardPort: 3100, experiments: { e1: { conversionEvent: 'Order Completed' } } })
  const sized = await loadConfig({ env: { TACKLE_MAX_EVENT_BYTES: '64KiB', TACKLE_MAX_BATCH_BYTES: '1MB' }, cwd })
  assert.deepEqual([sized.config.pipeline?.maxEventBytes, sized.config.pipeline?.maxBatchBytes], [65_536, 1_000_000], 'sizes take units')
  await assert.rejects(loadConfig({ env: { TACKLE_MAX_BATCH_BYTES: 'lots' }, cwd }), /TACKLE_MAX_BATCH_BYTES must be a whole number of at least 1024 \(got "lots"\)/)
  await assert.rejects(loadConfig({ env: { TACKLE_COLLECTOR_PORT: 'eighty' }, cwd }), /TACKLE_COLLECTOR_PORT must be a whole number from 0 to 65535 \(got "eighty"\)$/)
  await assert.rejects(loadConfig({ env: { TACKLE_DASHBOARD_TOKEN: 'short' }, cwd }), (error: Error) => {
    assert.equal(error.message, 'TACKLE_DASHBOARD_TOKEN must be text of at least 16 characters', 'a secret is never echoed')
    return true
  })
  await writeFile(join(cwd, 'plans.json'), JSON.stringify({ pipeline: { trackingPlans: { web: { mode: 'strict', events: {} } } } }))
  await assert.rejects(loadConfig({ file: 'plans.json', env: {}, cwd }), /plans\.json: pipeline\.trackingPlans\.web\.mode must be one of: warn, enforce \(got "strict"\)/)
  await rm(cwd, { recursive: true })
})
