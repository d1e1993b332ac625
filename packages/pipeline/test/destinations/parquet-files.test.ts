// The files destination with a real DuckDB, its Parquet files read back by DuckDB: one file per
// finished hour in a directory per day, the hour still running left staged, redeliveries and
// late events folded into the hour's file with one row per event, staged events kept across a
// restart, and no temporary file left where readers look.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'
import type { PipelineEvent } from '../../src/index.ts'
import { filesDestination, hourFile, hourOf } from '../../src/destinations/parquet-files.ts'

function event (id: string, receivedAt: string, properties: Record<string, unknown> = {}): PipelineEvent {
  return {
    messageId: id, writeKey: 'wk', type: 'track', event: 'Order Completed', userId: 'u1', anonymousId: null,
    timestamp: receivedAt, originalTimestamp: null, sentAt: null, receivedAt, properties, traits: {}, context: { page: { path: '/checkout' } }, source: 'segment', ip: null,
  }
}

async function readRows (file: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    return (await connection.runAndReadAll(`SELECT message_id, event, CAST(received_at AS VARCHAR) AS received_at, CAST(properties->>'$.total' AS DOUBLE) AS total, context->>'$.page.path' AS path FROM read_parquet('${file}') ORDER BY message_id`)).getRowObjectsJS()
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

test('hourOf and hourFile should name an event\'s hour in UTC and its file in a directory per day', () => {
  assert.equal(hourOf('2026-12-03T11:59:59.999Z'), '2026-12-03T11')
  assert.equal(hourOf('2026-12-03T12:30:00+02:00'), '2026-12-03T10')
  assert.equal(hourFile('/data', '2026-12-03T11'), '/data/day=2026-12-03/events-2026-12-03T11.parquet')
})

test('the files destination should write each finished hour once, fold redeliveries and late events in, and keep the running hour staged across a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-files-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  let now = Date.parse('2026-12-03T12:10:00Z')
  const config = { name: 'lake', type: 'files' as const, graceMs: 5 * 60_000 }
  const open = () => filesDestination(config, { defaultDir: dir, now: () => now })
  const signal = new AbortController().signal

  let files = await open()
  await files.deliver([
    event('a', '2026-12-03T10:15:00.000Z', { total: 10 }),
    event('b', '2026-12-03T11:20:00.000Z', { total: 20 }),
    event('b', '2026-12-03T11:20:00.000Z', { total: 20 }),
    event('c', '2026-12-03T12:05:00.000Z', { total: 30 }),
  ], signal)
  const ten = hourFile(dir, '2026-12-03T10')
  const eleven = hourFile(dir, '2026-12-03T11')
  const twelve = hourFile(dir, '2026-12-03T12')
  assert.deepEqual(await readRows(ten), [{ message_id: 'a', event: 'Order Completed', received_at: '2026-12-03 10:15:00+00', total: 10, path: '/checkout' }])
  assert.deepEqual((await readRows(eleven)).map(r => r.message_id), ['b'], 'a duplicate within a batch is one row')
  assert.equal(existsSync(twelve), false, 'the running hour is not written')
  assert.equal(statSync(ten).mode & 0o777, 0o600)

  // A redelivery of what is written, a late event for 11:00, and a restart in between.
  await files.close()
  files = await open()
  await files.deliver([event('a', '2026-12-03T10:15:00.000Z', { total: 999 }), event('d', '2026-12-03T11:58:00.000Z', { total: 40 })], signal)
  assert.deepEqual((await readRows(ten)).map(r => [r.message_id, r.total]), [['a', 10]], 'the row first written stays')
  assert.deepEqual((await readRows(eleven)).map(r => r.message_id), ['b', 'd'], 'the late event joins its hour\'s file')

  // 12:00 is over, plus the grace period: the staged event survived the restart and is written.
  now = Date.parse('2026-12-03T13:04:00Z')
  assert.deepEqual(await files.flush(), [], 'not before the grace period ends')
  now = Date.parse('2026-12-03T13:05:00Z')
  assert.deepEqual(await files.flush(), [twelve])
  assert.deepEqual((await readRows(twelve)).map(r => r.message_id), ['c'])
  await files.close()
  const days = readdirSync(dir).filter(name => !name.startsWith('.')).sort()
  assert.deepEqual(days, ['day=2026-12-03'])
  assert.deepEqual(readdirSync(join(dir, 'day=2026-12-03')).sort(), ['events-2026-12-03T10.parquet', 'events-2026-12-03T11.parquet', 'events-2026-12-03T12.parquet'], 'no temporary file left behind')
})

test('a second process writing the same directory should be refused, naming the directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-files-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const first = await filesDestination({ name: 'lake', type: 'files' }, { defaultDir: dir })
  t.after(() => first.close())
  // DuckDB's lock on the staging file is per process: the second opener is another one.
  const script = `import { filesDestination } from ${JSON.stringify(new URL('../../src/destinations/parquet-files.ts', import.meta.url).href)}
    await filesDestination({ name: 'lake', type: 'files', dir: ${JSON.stringify(dir)} }, { defaultDir: '' }).then(() => console.log('opened'), e => console.log(e.code, e.message))`
  const { stdout } = await promisify(execFile)(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { timeout: 30_000 })
  assert.match(stdout, /^TACKLE_PIPELINE_DESTINATION_FAILED files destination lake: cannot open its staging file .*; only one process may write /)
  assert.ok(stdout.includes(dir))
})

test('the files destination should write an hour whose events hold a time no column can take or text DuckDB cannot hold, and set aside a file it cannot read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-files-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const nine = hourFile(dir, '2026-12-03T09')
  mkdirSync(join(dir, 'day=2026-12-03'), { recursive: true })
  writeFileSync(nine, 'not parquet at all')
  const files = await filesDestination({ name: 'lake', type: 'files' }, { defaultDir: dir, now: () => Date.parse('2026-12-03T12:00:00Z') })
  t.after(() => files.close())
  // Straight onto the topic, an event's timestamp is any string: the schema does not check it.
  await files.deliver([
    { ...event('odd', '2026-12-03T09:10:00.000Z'), timestamp: 'yesterday-ish' },
    event('fine', '2026-12-03T09:20:00.000Z'),
    event('lone', '2026-12-03T09:30:00.000Z', { ['k\ud800']: 'half a pair \udc00', nul: 'a\u0000b' }),
  ], new AbortController().signal)
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  t.after(() => { connection.closeSync(); instance.closeSync() })
  const rows = (await connection.runAndReadAll(`SELECT message_id, CAST(timestamp AS VARCHAR) AS timestamp FROM read_parquet('${nine}') ORDER BY message_id`)).getRowObjectsJS()
  assert.deepEqual(rows, [{ message_id: 'fine', timestamp: '2026-12-03 09:20:00+00' }, { message_id: 'lone', timestamp: '2026-12-03 09:30:00+00' }, { message_id: 'odd', timestamp: null }])
  const lone = (await connection.runAndReadAll(`SELECT CAST(properties AS VARCHAR) AS p FROM read_parquet('${nine}') WHERE message_id = 'lone'`)).getRowObjectsJS()
  assert.deepEqual(JSON.parse(String(lone[0]?.p)), { 'k\ufffd': 'half a pair \ufffd', nul: 'a\ufffdb' }, 'what DuckDB cannot hold is U+FFFD, the rest kept')
  assert.ok(readdirSync(join(dir, 'day=2026-12-03')).some(name => name.startsWith('events-2026-12-03T09.parquet.unreadable-')), 'the unreadable file was kept aside')
})
