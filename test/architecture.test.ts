// STYLE.md's dependency direction, checked on the source: local-kafka -> client -> ops, pipeline
// -> analytics -> dashboard -> cli; verify may use anything below cli; nothing imports cli, and only cli (for
// `tackle verify`, at the top of the stack) imports verify; only client speaks the wire library.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { sourceFiles } from './source-files.ts'

const ROOT = new URL('..', import.meta.url).pathname
const LAYERS: Record<string, readonly string[]> = {
  'local-kafka': [],
  client: ['local-kafka'],
  ops: ['local-kafka', 'client'],
  pipeline: ['local-kafka', 'client'],
  analytics: ['local-kafka', 'client', 'pipeline'],
  dashboard: ['local-kafka', 'client', 'ops', 'pipeline', 'analytics'],
  verify: ['local-kafka', 'client', 'ops', 'pipeline', 'analytics', 'dashboard'],
  cli: ['local-kafka', 'client', 'ops', 'pipeline', 'analytics', 'dashboard', 'verify'],
}
const WIRE_LIBRARY = '@platformatic/kafka'

function importsOf (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => (m[1] ?? m[2]) as string)
}

const packages = readdirSync(join(ROOT, 'packages'))

test('every package should be a known layer', () => {
  for (const name of packages) assert.ok(Object.hasOwn(LAYERS, name), `packages/${name} has no place in STYLE.md's layering`)
})

test('imports between packages should point down the layers, and only client should import the wire library', () => {
  const wrong: string[] = []
  for (const name of packages) {
    for (const file of sourceFiles(join(ROOT, 'packages', name, 'src'))) {
      for (const specifier of importsOf(file)) {
        const where = relative(ROOT, file)
        const tackle = /^@tackle\/([^/]+)/.exec(specifier)?.[1]
        if (tackle && tackle !== name && !LAYERS[name]?.includes(tackle)) wrong.push(`${where} imports @tackle/${tackle}`)
        if (specifier.startsWith('../../') || /^\.\.\/\.\.\/\.\.\/packages/.test(specifier)) wrong.push(`${where} reaches into another package by path: ${specifier}`)
        if (specifier === WIRE_LIBRARY || specifier.startsWith(`${WIRE_LIBRARY}/`)) {
          if (name !== 'client') wrong.push(`${where} imports ${WIRE_LIBRARY}`)
        }
      }
    }
  }
  assert.deepEqual(wrong, [])
})

test('importsOf should see static, re-exported and dynamic imports', () => {
  const sample = join(ROOT, 'test', 'architecture.test.ts')
  assert.ok(importsOf(sample).includes('node:assert/strict'))
})
