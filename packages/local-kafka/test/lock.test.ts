import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { spawnSync } from 'node:child_process'
import { withLock } from '../src/lock.ts'

test('withLock should take over a lock whose owner died', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-lock-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, '.lock')
  const dead = spawnSync('true').pid as number
  await writeFile(file, String(dead))
  const seen = await withLock(file, 2000, () => readFile(file, 'utf8'))
  assert.equal(seen, String(process.pid))
  await assert.rejects(readFile(file), /ENOENT/, 'released afterwards')
})

test('withLock should refuse a lock held by a live process, naming it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-lock-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, '.lock')
  await writeFile(file, '1')
  await assert.rejects(withLock(file, 300, async () => 'ran'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_LOCKED')
    assert.match(error.message, /held by pid 1/)
    return true
  })
})
