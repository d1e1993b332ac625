import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { LocalCluster } from '@tackle/local-kafka'
import { parseBrokerList, resolveBrokers } from '../src/brokers.ts'

test('parseBrokerList should accept host:port lists and name the first bad entry', () => {
  assert.equal(parseBrokerList('a:1, b.example:9092,[::1]:9093', 'x'), 'a:1,b.example:9092,[::1]:9093')
  assert.throws(() => parseBrokerList('a:1,b', 'KAFKA_BROKERS'), /KAFKA_BROKERS: "b" is not HOST:PORT/)
  assert.throws(() => parseBrokerList('a:70000', '--brokers'), /"a:70000" is not HOST:PORT/)
  assert.throws(() => parseBrokerList(' , ', '--brokers'), /--brokers is empty/)
})

test('resolveBrokers should prefer --brokers, then KAFKA_BROKERS, then the config file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-brokers-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const cluster = new LocalCluster({ dir })
  const env = { KAFKA_BROKERS: 'env:2' }
  assert.deepEqual(await resolveBrokers({ flag: 'flag:1', env, configBrokers: 'file:3', cluster }), { bootstrap: 'flag:1', source: 'flag' })
  assert.deepEqual(await resolveBrokers({ flag: undefined, env, configBrokers: 'file:3', cluster }), { bootstrap: 'env:2', source: 'env' })
  assert.deepEqual(await resolveBrokers({ flag: undefined, env: {}, configBrokers: 'file:3', cluster }), { bootstrap: 'file:3', source: 'config' })
  await assert.rejects(resolveBrokers({ flag: undefined, env: {}, configBrokers: undefined, cluster }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_CLI_NO_BROKERS')
    return true
  })
})
