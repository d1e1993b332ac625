// The docs cannot drift from the code: docs/cli.md is the program's own --help, and every flag,
// environment variable, config key and metric the README (and docs/) names exists in the code,
// while every one the code has is documented.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Command } from 'commander'
import type { TSchema } from 'typebox'
import { cliReference } from '../packages/cli/src/cli-reference.ts'
import { ConfigSchema } from '../packages/cli/src/config.ts'
import { ERROR_CATALOGUES } from '../packages/cli/src/error-catalogues.ts'
import { program } from '../packages/cli/src/main.ts'
import { sourceFiles } from './source-files.ts'

const ROOT = new URL('..', import.meta.url).pathname
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const DOCS = readdirSync(join(ROOT, 'docs')).filter(f => f.endsWith('.md') && f !== 'cli.md' && f !== 'errors.md').map(f => readFileSync(join(ROOT, 'docs', f), 'utf8'))
const PROSE = [README, ...DOCS].join('\n')

/** Flags of other programs that the docs show being passed to them (Kafka's tools, Node, npm). */
const FOREIGN_FLAGS = new Set(['--bootstrap-server', '--command-config', '--describe', '--topic', '--list', '--cpu-prof', '--test', '--test-name-pattern', '--include-fenced-brokers', '--noEmit', '--help', '--silent'])

/** `npm run bench -- NAME --flag`: the benchmarks' own flags, from their parseArgs options. */
const BENCH_FLAGS = sourceFiles(join(ROOT, 'bench')).flatMap(f => [...readFileSync(f, 'utf8').matchAll(/(?:^|[{,]\s*)['"]?([a-z][a-zA-Z-]*)['"]?: \{ type: '(?:string|boolean)'/gm)].map(m => `--${m[1] as string}`))

const SOURCES = readdirSync(join(ROOT, 'packages')).flatMap(p => sourceFiles(join(ROOT, 'packages', p, 'src'))).map(f => readFileSync(f, 'utf8')).join('\n')
/** The set-up, test and soak scripts and the benchmarks read variables of their own. */
const SCRIPTS = [...readdirSync(join(ROOT, 'scripts')).map(f => join(ROOT, 'scripts', f)), ...sourceFiles(join(ROOT, 'bench'))].map(f => readFileSync(f, 'utf8')).join('\n')

function flagsOf (command: Command): string[] {
  return [...command.options.flatMap(o => [o.long, o.negate ? o.long?.replace(/^--no-/, '--') : undefined]), ...command.commands.flatMap(flagsOf)].filter((f): f is string => f !== undefined)
}

function configKeys (schema: TSchema, prefix = ''): string[] {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties
  if (!properties) return [prefix]
  return Object.entries(properties).flatMap(([key, sub]) => {
    const path = prefix ? `${prefix}.${key}` : key
    // Records (tracking plans, experiments, broker config) are documented as one key.
    return (sub as { properties?: unknown }).properties ? configKeys(sub, path) : [path]
  })
}

const ERROR_CODES = new Set(ERROR_CATALOGUES.flatMap(c => Object.values(c.codes)))
/** Variables the code reads: `env.NAME`, `env['NAME']`, and names given as strings (the config's tables). */
const CODE_VARIABLES = new Set([...`${SOURCES}\n${SCRIPTS}`.matchAll(/env(?:\.|\[['"])((?:TACKLE|KAFKA)_[A-Z0-9_]+)|['"]((?:TACKLE|KAFKA)_[A-Z0-9_]+)['"]|\$\{?((?:TACKLE|KAFKA)_[A-Z0-9_]+)/g)]
  .map(m => (m[1] ?? m[2] ?? m[3]) as string).filter(name => !ERROR_CODES.has(name) && !/^TACKLE_(CLI|DASHBOARD|LOCAL_KAFKA|CLIENT|OPS|PIPELINE|ANALYTICS|VERIFY)_/.test(name)))
const CODE_METRICS = new Set([...SOURCES.matchAll(/['"`](tackle_[a-z0-9_]+)['"`]/g)].map(m => m[1] as string))

test('docs/cli.md should be the program\'s own help (npm run docs:cli writes it)', () => {
  assert.equal(readFileSync(join(ROOT, 'docs/cli.md'), 'utf8'), cliReference(program()), 'docs/cli.md is stale: run npm run docs:cli')
})

test('every flag the docs name should exist, and every command is in docs/cli.md', () => {
  const flags = new Set([...flagsOf(program()), ...BENCH_FLAGS])
  const named = [...new Set([...PROSE.matchAll(/(?<![\w-])--[a-z][a-zA-Z0-9-]*/g)].map(m => m[0]))]
  assert.deepEqual(named.filter(f => !flags.has(f) && !FOREIGN_FLAGS.has(f)), [], 'flags in README.md or docs/ that no command has')
})

test('every environment variable should be documented, and every documented one read by the code', () => {
  const documented = new Set([...PROSE.matchAll(/\b((?:TACKLE|KAFKA)_[A-Z0-9_]*[A-Z0-9])\b/g)].map(m => m[1] as string).filter(name => !ERROR_CODES.has(name)))
  assert.deepEqual([...CODE_VARIABLES].filter(v => !documented.has(v)).sort(), [], 'variables the code reads that README.md and docs/ do not name')
  const prefixes = [...documented].filter(v => v.endsWith('_'))
  assert.deepEqual([...documented].filter(v => !CODE_VARIABLES.has(v) && !/^TACKLE_(CLI|DASHBOARD|LOCAL_KAFKA|CLIENT|OPS|PIPELINE|ANALYTICS|VERIFY)_/.test(v) && !prefixes.includes(v)).sort(), [], 'variables the docs name that no code reads')
})

test('every config key should be documented, and every documented one exist', () => {
  const keys = configKeys(ConfigSchema)
  assert.deepEqual(keys.filter(k => !PROSE.includes(`\`${k}\``)), [], 'config keys README.md and docs/ do not name as `key`')
  const named = [...new Set([...PROSE.matchAll(/`((?:kafka|pipeline)\.[a-zA-Z.]+)`/g)].map(m => m[1] as string))]
  assert.deepEqual(named.filter(k => !keys.some(key => k === key || k.startsWith(`${key}.`))), [], 'config keys the docs name that the schema has not')
})

test('every metric should be documented, and every documented one exist', () => {
  assert.ok(CODE_METRICS.size > 20, `found ${CODE_METRICS.size} metrics`)
  assert.deepEqual([...CODE_METRICS].filter(m => !PROSE.includes(m)).sort(), [], 'metrics the code registers that README.md and docs/ do not name')
  const named = [...new Set([...PROSE.matchAll(/\b(tackle_[a-z0-9_]+\*?)/g)].map(m => m[1] as string))]
  assert.deepEqual(named.filter(n => n.endsWith('*') || n.endsWith('_') ? ![...CODE_METRICS].some(m => m.startsWith(n.replace(/\*$/, ''))) : !CODE_METRICS.has(n)), [], 'metrics the docs name that no code registers')
})
