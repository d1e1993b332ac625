import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { LocalCluster } from '../src/cluster.ts'
import { readClusterRecord } from '../src/state.ts'

test('a state file that is not JSON should be named with the way out, and down --purge should still delete the cluster', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-corrupt-state-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'cluster.json')
  await writeFile(file, '{"format": 1, "nodes": [')
  await assert.rejects(readClusterRecord(file), (error: Error & { code?: string, fix?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_STATE_CORRUPT')
    assert.match(error.message, new RegExp(`state file ${file} is not valid JSON`))
    assert.match(error.fix ?? '', /tackle kafka down --purge/)
    return true
  })
  const cluster = new LocalCluster({ dir })
  await assert.rejects(cluster.status(), { code: 'TACKLE_LOCAL_KAFKA_STATE_CORRUPT' })
  assert.equal(await cluster.down({ purge: true }), undefined)
  await assert.rejects(stat(dir), { code: 'ENOENT' })
})
