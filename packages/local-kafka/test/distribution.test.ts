import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { cachedKafka, ensureKafka, KAFKA_VERSION } from '../src/distribution.ts'
import { KAFKA_TOOLS } from '../src/tools.ts'
import { runCommand } from '../src/run-command.ts'
import { sharedTestCluster } from '../src/testing.ts'

const noMaven = { ...process.env, PATH: '/nonexistent' }

test('ensureKafka should serve cached jars without Maven once they are fetched', async () => {
  await sharedTestCluster()
  const distribution = await ensureKafka({ env: noMaven })
  assert.equal(distribution.version, KAFKA_VERSION)
  assert.match(distribution.classpath, /kafka\/4\.\d+\.\d+\/libs\/\*$/)
})

test('ensureKafka should say Maven is missing when the jars are not cached and mvn is not there', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'tackle-cache-'))
  t.after(() => rm(cacheDir, { recursive: true, force: true }))
  await assert.rejects(ensureKafka({ cacheDir, env: noMaven }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_MAVEN_MISSING')
    return true
  })
})

test('every tool kafka exec knows should have its main class in the fetched jars', async () => {
  await sharedTestCluster()
  const distribution = await cachedKafka()
  assert.ok(distribution, 'the jars are cached')
  // javap fails for any class it cannot find, and names it.
  const result = await runCommand('javap', ['-cp', distribution.classpath, ...Object.values(KAFKA_TOOLS)])
  assert.equal(result.code, 0, result.stderr)
  for (const mainClass of Object.values(KAFKA_TOOLS)) assert.match(result.stdout, new RegExp(`class ${mainClass.replaceAll('.', '\\.')}\\b`))
  assert.match(result.stdout, /public static void main\(java\.lang\.String\[\]\)/)
})
