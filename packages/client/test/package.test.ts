// The library as an app gets it: packed by npm, installed from the tarball into a directory
// outside the workspace, and the README's example files run as written, in TypeScript
// (checked by tsc against the shipped declarations) and in plain ESM JavaScript.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { testBrokers } from '@tackle/client/testkit'

const run = promisify(execFile)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const client = join(root, 'packages/client')

/** The README's example files: a fenced block right after `<!-- example: NAME -->`. */
function readmeExamples (markdown: string): Map<string, string> {
  return new Map([...markdown.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map(m => [m[1] as string, m[2] as string]))
}

/** The app's environment: none of the workspace's own resolution (its "tackle-source" condition). */
function appEnv (extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _workspaceOnly, ...env } = process.env
  return { ...env, ...extra }
}

test('the packed client should install into a fresh app and run the README examples in TypeScript and ESM', { timeout: 240_000 }, async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'tackle-app-'))
  t.after(() => rm(work, { recursive: true, force: true }))

  const { stdout: packed } = await run('npm', ['pack', '--json', '--silent', '--pack-destination', work], { cwd: client, maxBuffer: 16 << 20 })
  const [info] = JSON.parse(packed) as Array<{ filename: string, files: Array<{ path: string }> }>
  assert.ok(info)
  const files = info.files.map(f => f.path)
  assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('dist/testkit/index.d.ts'), 'compiled JavaScript and declarations')
  assert.ok(files.includes('CHANGELOG.md') && files.includes('README.md'))
  assert.deepEqual(files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')), [], 'no TypeScript sources: Node does not strip types under node_modules')
  const manifest = JSON.parse(await readFile(join(client, 'package.json'), 'utf8')) as { private?: boolean, version: string }
  assert.equal(manifest.private, undefined)
  assert.match(manifest.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/)

  const app = join(work, 'app')
  await mkdir(app)
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { '@tackle/client': `file:${join(work, info.filename)}` } }))
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, env: appEnv({}), maxBuffer: 16 << 20 })

  const examples = readmeExamples(await readFile(join(root, 'README.md'), 'utf8'))
  assert.deepEqual([...examples.keys()].sort(), ['consume.ts', 'send.ts', 'topics.ts'])
  for (const [name, code] of examples) await writeFile(join(app, name), code)
  await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'es2024', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, allowImportingTsExtensions: true,
      verbatimModuleSyntax: true, erasableSyntaxOnly: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
    },
    include: ['*.ts'],
  }))
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, env: appEnv({}) })
    .catch((error: { stdout?: string }) => assert.fail(`tsc over the app failed:\n${error.stdout}`))

  // Only the public entry points resolve; a deep import is refused by the exports map.
  const probe = `
    const client = await import('@tackle/client'); const testkit = await import('@tackle/client/testkit')
    let deep = 'resolved'; try { await import('@tackle/client/dist/producer/producer.js') } catch (e) { deep = e.code }
    console.log(JSON.stringify({ producer: typeof client.TackleProducer, topic: client.defineTopic({ name: 'x', schema: client.Type.String() }).name, check: typeof testkit.checkSequences, deep }))`
  const { stdout: probed } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: app, env: appEnv({}) })
  assert.deepEqual(JSON.parse(probed), { producer: 'function', topic: 'x', check: 'function', deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED' })

  const env = appEnv({ KAFKA_BROKERS: (await testBrokers()).join(','), HEALTH_PORT: '0' })
  const { stdout: sent } = await run(process.execPath, ['send.ts'], { cwd: app, env, timeout: 60_000 })
  assert.match(sent, /stored in partition \d+ at offset \d+/)

  const consumer = spawn(process.execPath, ['consume.ts'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => consumer.kill('SIGKILL'))
  let output = ''
  consumer.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  consumer.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const deadline = Date.now() + 60_000
  while (!output.includes('Order Completed from u42 (try 1)') && Date.now() < deadline && consumer.exitCode === null) await new Promise(resolve => setTimeout(resolve, 100))
  assert.match(output, /Order Completed from u42 \(try 1\)/, `the consumer example handled the sent event; it printed:\n${output}`)
  const exited = once(consumer, 'exit')
  consumer.kill('SIGTERM')
  const [code] = await exited as [number | null]
  assert.equal(code, 0, `the consumer example closed cleanly on SIGTERM; it printed:\n${output}`)
})
