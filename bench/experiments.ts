// npm run bench -- experiments [--json] [--persons N] [--stores duckdb,postgres] [--runs R]
// Times an experiment's analysis: N exposed persons (default 1,000,000) split 50/50 by PostHog's
// $feature_flag_called, each with a page view, a third of them buying after exposure (some
// twice, revenue varying, the treatment a little more), a fifth having bought in the 14 days
// before (CUPED's covariate), and three metrics (conversion, mean revenue, revenue per order),
// CUPED and the sequential test on. The store is filled by SQL in the engine (generate_series),
// checkpointed and reopened; the analysis runs R times (default 3) and the median is reported,
// split into the statement (the store's time) and the statistics (this process's time).
// Goal (2 cores): 1M exposed persons × 3 metrics in under 2 s on DuckDB.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { analyseExperimentRows, Analytics, parseExperimentDefinition } from '@tackle/analytics'
import { DuckDbStore, PostgresStore, type EventStore } from '@tackle/pipeline'
import { createDatabase, startPostgres, type PostgresServer } from '@tackle/pipeline/testkit'

const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: {
    json: { type: 'boolean', default: false },
    persons: { type: 'string', default: '1000000' },
    stores: { type: 'string', default: 'duckdb,postgres' },
    runs: { type: 'string', default: '3' },
  },
})
const PERSONS = Number(flags.persons)
const RUNS = Number(flags.runs)
const STORES = flags.stores.split(',') as Array<'duckdb' | 'postgres'>
const DAY = 86_400_000
const T0 = Date.parse('2026-11-01T00:00:00.000Z')
const log = (line: string) => process.stderr.write(`${line}\n`)

const EXPERIMENT = parseExperimentDefinition({
  id: 'checkout-button',
  variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }],
  start: new Date(T0).toISOString(),
  end: new Date(T0 + 15 * DAY).toISOString(),
  metrics: [
    { kind: 'conversion', event: 'Order Completed' },
    { kind: 'mean', event: 'Order Completed', property: 'revenue', name: 'Revenue' },
    { kind: 'ratio', numerator: { event: 'Order Completed', property: 'revenue' }, denominator: { event: 'Order Completed' }, name: 'Revenue per order', role: 'guardrail' },
  ],
})

/** Person i: exposed on day i % 14, variant i % 2; buys after exposure if i % 3 == 0 (or i % 3 == 1 and test and i % 50 == 1), twice if i % 9 == 0; bought before if i % 5 == 0. */
async function fill (store: EventStore, persons: number): Promise<number> {
  const d = store.dialect
  const at = (offsetMs: string) => `to_timestamp((${T0} + (i % 14) * ${DAY} + (i * 7919) % 3600000 + ${offsetMs}) / 1000.0)`
  const rows = (event: string, offsetMs: string, props: string, where: string, suffix: string) => `
    SELECT 'bench', '${suffix}' || CAST(i AS ${d.text}), 'track', '${event}', NULL, 'p-' || CAST(i AS ${d.text}),
      ${at(offsetMs)}, NULL, NULL, ${at(offsetMs)}, ${at(offsetMs)}, 'posthog', NULL, CAST(${props} AS ${d.json}), CAST('{}' AS ${d.json}), CAST('{}' AS ${d.json})
    FROM generate_series(CAST(0 AS BIGINT), CAST(${persons - 1} AS BIGINT)) AS g(i) WHERE ${where}`
  const variant = `(CASE WHEN i % 2 = 0 THEN 'control' ELSE 'test' END)`
  const revenue = (salt: number) => `'{"revenue":' || CAST(10 + (i * ${salt}) % 90 AS ${d.text}) || '}'`
  const parts = [
    rows('$feature_flag_called', '0', `'{"$feature_flag":"checkout-button","$feature_flag_response":"' || ${variant} || '"}'`, 'true', 'x'),
    rows('Page Viewed', '60000', `'{}'`, 'true', 'v'),
    rows('Order Completed', '3600000', revenue(31), '(i % 3 = 0 OR (i % 3 = 1 AND i % 2 = 1 AND i % 50 = 1))', 'o'),
    rows('Order Completed', '7200000', revenue(17), 'i % 9 = 0', 'q'),
    rows('Order Completed', `-${5 * DAY}`, revenue(13), 'i % 5 = 0', 'b'),
  ]
  for (const part of parts) {
    await store.query(`INSERT INTO events (write_key, message_id, type, event, user_id, anonymous_id, timestamp, original_timestamp, sent_at, received_at, stored_at, source, ip, properties, traits, context) ${part}`, [])
  }
  return store.countEvents()
}

async function timed<T> (work: () => Promise<T>): Promise<{ ms: number, result: T }> {
  const began = performance.now()
  const result = await work()
  return { ms: Math.round(performance.now() - began), result }
}

interface StoreResult {
  store: 'duckdb' | 'postgres'
  persons: number
  events: number
  metrics: number
  fillMs: number
  ms: number
  runsMs: number[]
  statementMs: number
  statisticsMs: number
  users: number[]
  verdict: string
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

async function benchOne (engine: 'duckdb' | 'postgres', server: PostgresServer | undefined): Promise<StoreResult> {
  const file = join(scratch, `bench-experiments.duckdb`)
  const url = engine === 'postgres' ? await createDatabase(server as PostgresServer, `bench_experiments_${Date.now()}`) : ''
  const open = () => (engine === 'duckdb' ? DuckDbStore.open(file) : PostgresStore.open(url))
  let store = await open()
  try {
    log(`${engine}: generating ${PERSONS.toLocaleString()} exposed persons...`)
    const filled = await timed(() => fill(store, PERSONS))
    await store.query(engine === 'postgres' ? 'ANALYZE' : 'CHECKPOINT', [])
    await store.close()
    store = await open()
    log(`${engine}: ${filled.result.toLocaleString()} events in ${(filled.ms / 1000).toFixed(1)} s; analysing...`)
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    const now = T0 + 20 * DAY
    const runsMs: number[] = []
    const statementMs: number[] = []
    const statisticsMs: number[] = []
    let last
    for (let r = 0; r < RUNS; r++) {
      const whole = await timed(async () => {
        const rows = await timed(() => analytics.experiments.statsRows(EXPERIMENT, now))
        const stats = await timed(async () => analyseExperimentRows(EXPERIMENT, rows.result))
        statementMs.push(rows.ms)
        statisticsMs.push(stats.ms)
        return stats.result
      })
      runsMs.push(whole.ms)
      last = whole.result
      log(`${engine}: run ${r + 1}: ${whole.ms} ms (statement ${statementMs.at(-1)} ms, statistics ${statisticsMs.at(-1)} ms)`)
    }
    analytics.close()
    return {
      store: engine, persons: PERSONS, events: filled.result, metrics: EXPERIMENT.metrics.length, fillMs: filled.ms,
      ms: median(runsMs), runsMs, statementMs: median(statementMs), statisticsMs: median(statisticsMs),
      users: last?.variants.map(v => v.users) ?? [], verdict: last?.verdict ?? '',
    }
  } finally {
    await store.close()
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'tackle-bench-experiments-'))
const server = STORES.includes('postgres') ? await startPostgres() : undefined
const results: StoreResult[] = []
try {
  for (const engine of STORES) results.push(await benchOne(engine, server))
} finally {
  await server?.stop()
  rmSync(scratch, { recursive: true, force: true })
}
if (flags.json) process.stdout.write(`${JSON.stringify(results.map(r => ({ ...r, goalMs: r.store === 'duckdb' ? 2000 : null, met: r.store === 'duckdb' ? r.ms < 2000 : null })))}\n`)
else for (const r of results) process.stdout.write(`${r.store.padEnd(9)} ${r.persons.toLocaleString()} persons × ${r.metrics} metrics: ${r.ms} ms (statement ${r.statementMs} ms, statistics ${r.statisticsMs} ms)\n`)
