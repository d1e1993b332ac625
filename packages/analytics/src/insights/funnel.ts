// Funnels, as PostHog defines them (posthog.com/docs/product-analytics/funnels): every step-1
// event starts an attempt, the attempt reaches as far as the later steps follow within the
// conversion window, and a person counts once, at the furthest step of their best attempt.
// - ordered: each step at or after the one before, other events between allowed. Per attempt the
//   earliest matching event is taken for each step in turn (greedy earliest matching is optimal
//   for a subsequence), found per step by an ASOF join of the attempts with the step's events
//   (DuckDB), or by one window pass (PostgreSQL): the attempts and the step's events in one
//   per-person ordering, and the minimum of the events that follow each attempt.
//   Events at the same millisecond count as in order; one event never fills two steps.
// - strict: each step the person's very next event.
// - any: the steps in any order within the window from the first.
// Exclusions drop an attempt with the excluded event strictly between two of its steps. A
// breakdown is first touch: the value on the person's first step-1 event.
import type { EventStore, Row } from '@tackle/pipeline'
import { Params } from '../sql-lists.ts'
import type { FunnelQuery } from './query-schema.ts'
import type { QueryRange } from './query-range.ts'
import { breakdownSql, eventsFromSql, filtersSql, PERSON_ID } from './sql-parts.ts'

export interface FunnelStepResult {
  index: number
  event: string
  label: string
  /** Persons whose best attempt reached this step. */
  count: number
  /** Of step 1's persons. */
  conversionRate: number
  /** Of the step before's persons. */
  stepConversionRate: number
  /** Persons of the step before who got no further. */
  dropOff: number
  /** From the step before, in the best attempt; null for step 1, with nobody here, or in any order. */
  medianTimeToConvertMs: number | null
  averageTimeToConvertMs: number | null
}

export interface FunnelBreakdown {
  value: string | null
  other?: true
  steps: FunnelStepResult[]
}

export interface FunnelResult {
  kind: 'funnel'
  order: 'ordered' | 'strict' | 'any'
  windowMs: number
  from: string
  to: string
  steps: FunnelStepResult[]
  breakdowns?: FunnelBreakdown[]
}

export async function funnel (store: EventStore, query: FunnelQuery, range: QueryRange): Promise<FunnelResult> {
  const d = store.dialect
  const p = new Params()
  const order = query.order ?? 'ordered'
  const windowMs = query.windowMs ?? 14 * 86_400_000
  const n = query.steps.length
  const exclusions = query.exclusions ?? []
  const bd = query.breakdown ? breakdownSql(d, query.breakdown) : undefined
  const matches = query.steps.map((s, k) => `(e.event = ${p.add(s.event)} AND ${filtersSql(d, p, s.filters)}) AS m${k}`)
  const excluded = exclusions.map((x, j) => `(e.event = ${p.add(x.event)} AND ${filtersSql(d, p, x.filters)}) AS x${j}`)
  const names = order === 'strict' ? undefined : [...new Set([...query.steps.map(s => s.event), ...exclusions.map(x => x.event)])]
  const from = eventsFromSql(d, p, { fromMs: range.fromMs, toMs: range.toMs, names, filters: query.filters, includeBots: query.includeBots }, bd?.join)
  // One step's events read straight from the table, its event name in the scan's filter.
  const stepRows = (k: number): string => {
    const step = query.steps[k] as FunnelQuery['steps'][number]
    const rows = eventsFromSql(d, p, { fromMs: range.fromMs, toMs: range.toMs, names: [step.event], filters: [...(query.filters ?? []), ...(step.filters ?? [])], includeBots: query.includeBots }, k === 0 ? bd?.join : undefined)
    return `(SELECT ${d.partitionKey(PERSON_ID)} AS person, ${d.epochMs('e.timestamp')} AS tms${k === 0 ? `, e.message_id AS mid, ${bd ? bd.value : `CAST(NULL AS ${d.text})`} AS bd` : ''} ${rows})`
  }
  // Rows are told apart, and ties at one millisecond ordered, by message id. Only a step that
  // repeats the step before's event needs the position of the event that matched (so that one
  // event cannot fill both): then each row gets its rank in that order, at the cost of a sort.
  // Otherwise the events are not kept between steps: each step reads its own from the table.
  const repeats = order === 'ordered' && query.steps.some((s, k) => k > 0 && s.event === query.steps[k - 1]?.event)
  const ctes = [
    `base AS ${repeats ? '' : 'NOT MATERIALIZED '}(SELECT ${d.partitionKey(PERSON_ID)} AS person, ${d.epochMs('e.timestamp')} AS tms, e.message_id AS mid, ${bd ? bd.value : `CAST(NULL AS ${d.text})`} AS bd, ${[...matches, ...excluded].join(', ')} ${from})`,
  ]
  ctes.push(repeats
    ? `seq AS (SELECT base.*, row_number() OVER (PARTITION BY person ORDER BY tms, ${d.binary('mid')}) AS sq FROM base)`
    : 'seq AS NOT MATERIALIZED (SELECT base.*, mid AS sq FROM base)')
  const sq = repeats ? 'sq' : d.binary('sq')
  // On the ASOF path without a breakdown, attempts that start at one millisecond follow the very
  // same chain: one is kept, and the attempt is known by its start (no message id carried along).
  const lean = d.asofJoin && !repeats && order === 'ordered' && !bd
  const s0 = repeats ? 's0' : d.binary('s0')
  const key = lean ? 't0' : 's0'
  const attempts = order === 'strict' ? strictAttempts(ctes, n, windowMs, sq) : order === 'any' ? anyOrderAttempts(ctes, n, windowMs, sq) : orderedAttempts(ctes, query, windowMs, repeats ? 'BIGINT' : d.text, d.asofJoin && !repeats ? stepRows : undefined, lean)
  if (order !== 'any') exclusionsSql(ctes, attempts, query, windowMs, key)
  const last = order === 'any' ? attempts : 'excl'
  const keep = order === 'any' ? '' : 'WHERE NOT excluded'
  ctes.push(`best AS (SELECT DISTINCT ON (person) person, reached, ${range0(n).map(k => `t${k}`).join(', ')} FROM ${last} ${keep} ORDER BY person, reached DESC, t0${lean ? '' : `, ${s0}`})`)
  ctes.push(bd
    ? `touch AS (SELECT person, bd FROM (SELECT person, bd, row_number() OVER (PARTITION BY person ORDER BY t0, ${s0}) AS r FROM ${last}) f WHERE r = 1),
       people AS (SELECT best.*, touch.bd FROM best JOIN touch ON touch.person = best.person)`
    : `people AS (SELECT best.*, CAST(NULL AS ${d.text}) AS bd FROM best)`)
  const limit = query.breakdown?.limit ?? 10
  ctes.push(bd
    ? `ranked AS (SELECT bd, row_number() OVER (ORDER BY count(*) DESC, ${d.binary('bd')} ASC NULLS LAST) AS r FROM people GROUP BY bd),
       slotted AS (SELECT people.*, CASE WHEN ranked.r <= ${limit} THEN ranked.r ELSE 0 END AS slot FROM people JOIN ranked ON ranked.bd IS NOT DISTINCT FROM people.bd)`
    : 'slotted AS (SELECT people.*, 1 AS slot FROM people)')
  const aggregates = range0(n).flatMap(k => {
    const count = `count(CASE WHEN reached > ${k} THEN 1 END) AS c${k}`
    if (k === 0 || order === 'any') return [count]
    const gap = `(t${k} - t${k - 1})`
    return [count, `avg(${gap}) AS avg${k}`, `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${gap}) AS med${k}`]
  })
  const sql = `WITH ${ctes.join(',\n')}
    SELECT slot, min(bd) AS label, ${aggregates.join(', ')} FROM slotted GROUP BY GROUPING SETS ((slot), ())`
  const rows = await store.query(sql, p.values)
  const total = rows.find(r => r.slot === null || r.slot === undefined)
  const result: FunnelResult = {
    kind: 'funnel', order, windowMs, from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(),
    steps: stepsOf(query, total),
  }
  if (bd) {
    result.breakdowns = rows.filter(r => r.slot !== null && r.slot !== undefined)
      .sort((a, b) => (Number(a.slot) === 0 ? 1 : Number(b.slot) === 0 ? -1 : Number(a.slot) - Number(b.slot)))
      .map(r => Number(r.slot) === 0 ? { value: null, other: true as const, steps: stepsOf(query, r) } : { value: r.label === null ? null : String(r.label), steps: stepsOf(query, r) })
  }
  return result
}

const range0 = (n: number) => Array.from({ length: n }, (_, k) => k)

function stepsOf (query: FunnelQuery, row: Row | undefined): FunnelStepResult[] {
  const counts = query.steps.map((_, k) => Number(row?.[`c${k}`] ?? 0))
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return query.steps.map((s, k) => ({
    index: k,
    event: s.event,
    label: s.label ?? s.event,
    count: counts[k] as number,
    conversionRate: ratio(counts[k] as number, counts[0] as number),
    stepConversionRate: k === 0 ? (counts[0] === 0 ? 0 : 1) : ratio(counts[k] as number, counts[k - 1] as number),
    dropOff: k === 0 ? 0 : (counts[k - 1] as number) - (counts[k] as number),
    medianTimeToConvertMs: k === 0 ? null : num(row?.[`med${k}`]),
    averageTimeToConvertMs: k === 0 ? null : num(row?.[`avg${k}`]),
  }))
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b)

/**
 * Adds the CTEs a0..a(n-1); returns the name of the one holding every attempt with t0..t(n-1) and s0
 * (s1.. too on the window path).
 * With `asof` (DuckDB, no repeated step), each step is an ASOF join of the attempts with that
 * step's events, read from the table: the same answer as the window, in about half the time.
 */
function orderedAttempts (ctes: string[], query: FunnelQuery, windowMs: number, positionType: string, asof: ((k: number) => string) | undefined, lean: boolean): string {
  const n = query.steps.length
  ctes.push(lean ? `a0 AS (SELECT DISTINCT person, tms AS t0 FROM ${asof?.(0)} r)` : asof ? `a0 AS (SELECT person, bd, tms AS t0, mid AS s0 FROM ${asof(0)} r)` : 'a0 AS (SELECT person, bd, tms AS t0, sq AS s0 FROM seq WHERE m0)')
  for (let k = 1; k < n; k++) {
    const prev = range0(k).map(j => `a.t${j}, a.s${j}`).join(', ')
    // At one millisecond, a different event counts as after the step before (the attempt sorts
    // first); the same event never fills two steps (its own row sorts before the attempt). The
    // order is reversed, so "the first event after" is a running minimum, computed in one pass.
    const repeat = query.steps[k]?.event === query.steps[k - 1]?.event
    const ordering = repeat ? 'tms DESC, sq DESC, kind' : 'tms DESC, kind DESC'
    // The matched event's position, for a next step that repeats this one; else not needed.
    const position = query.steps[k + 1]?.event === query.steps[k]?.event ? 'min(CASE WHEN kind = 1 THEN sq END) OVER w' : `CAST(NULL AS ${positionType})`
    const within = (t: string) => `CASE WHEN ${t} - a.t0 <= ${windowMs} THEN ${t} END`
    if (asof) {
      // The same answer by an ASOF join (DuckDB): each attempt meets the first step event at or
      // after it. No step repeats, so only the attempt's own s0 is carried (a narrower sort).
      ctes.push(`a${k} AS (SELECT a.*, ${within('s.tms')} AS t${k}
        FROM a${k - 1} a ASOF LEFT JOIN ${asof(k)} s ON a.person = s.person AND s.tms >= a.t${k - 1})`)
      continue
    }
    ctes.push(`u${k} AS (SELECT person, s0 AS attempt, t${k - 1} AS tms, s${k - 1} AS sq, 0 AS kind FROM a${k - 1} WHERE t${k - 1} IS NOT NULL
      UNION ALL SELECT person, NULL, tms, sq, 1 FROM seq WHERE m${k})`)
    ctes.push(`n${k} AS (SELECT person, attempt, nts, nsq FROM (SELECT person, attempt, min(CASE WHEN kind = 1 THEN tms END) OVER w AS nts, ${position} AS nsq
        FROM u${k} WINDOW w AS (PARTITION BY person ORDER BY ${ordering} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) x WHERE attempt IS NOT NULL)`)
    ctes.push(`a${k} AS (SELECT a.person, a.bd, ${prev},
        CASE WHEN n.nts - a.t0 <= ${windowMs} THEN n.nts END AS t${k}, CASE WHEN n.nts - a.t0 <= ${windowMs} THEN n.nsq END AS s${k}
      FROM a${k - 1} a LEFT JOIN n${k} n ON n.person = a.person AND n.attempt = a.s0)`)
  }
  const reached = range0(n).map(k => `CASE WHEN t${k} IS NOT NULL THEN 1 ELSE 0 END`).join(' + ')
  ctes.push(`attempts AS (SELECT a${n - 1}.*, ${reached} AS reached FROM a${n - 1})`)
  return 'attempts'
}

/** Strict: step k is the k-th event after step 1's, with nothing of the person's between. */
function strictAttempts (ctes: string[], n: number, windowMs: number, sq: string): string {
  const w = `OVER (PARTITION BY person ORDER BY tms, ${sq})`
  const leads = range0(n).slice(1).map(k => `lead(m${k}, ${k}) ${w} AS lm${k}, lead(tms, ${k}) ${w} AS lt${k}, lead(sq, ${k}) ${w} AS ls${k}`)
  ctes.push(`led AS (SELECT seq.*, ${leads.join(', ')} FROM seq)`)
  const ok = (k: number): string => range0(k + 1).slice(1).map(j => `coalesce(lm${j}, false) AND lt${j} - tms <= ${windowMs}`).join(' AND ')
  const steps = range0(n).slice(1).map(k => `CASE WHEN ${ok(k)} THEN lt${k} END AS t${k}, CASE WHEN ${ok(k)} THEN ls${k} END AS s${k}`)
  const reached = ['1', ...range0(n).slice(1).map(k => `CASE WHEN ${ok(k)} THEN 1 ELSE 0 END`)].join(' + ')
  ctes.push(`attempts AS (SELECT person, bd, tms AS t0, sq AS s0, ${steps.join(', ')}, ${reached} AS reached FROM led WHERE m0)`)
  return 'attempts'
}

/** Any order: an attempt starts at any step's event; it reaches as many steps as occur within the window. */
function anyOrderAttempts (ctes: string[], n: number, windowMs: number, sq: string): string {
  const w = `OVER (PARTITION BY person ORDER BY tms DESC, ${sq} DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`
  const next = range0(n).map(k => `min(CASE WHEN m${k} THEN tms END) ${w} AS nx${k}`)
  const any = range0(n).map(k => `m${k}`).join(' OR ')
  ctes.push(`nexts AS (SELECT person, bd, tms, sq, (${any}) AS starts, ${next.join(', ')} FROM seq WHERE ${any})`)
  const reached = range0(n).map(k => `CASE WHEN nx${k} - tms <= ${windowMs} THEN 1 ELSE 0 END`).join(' + ')
  ctes.push(`attempts AS (SELECT person, bd, tms AS t0, sq AS s0, ${range0(n).slice(1).map(k => `NULL AS t${k}`).join(', ')}${n > 1 ? ',' : ''} ${reached} AS reached FROM nexts WHERE starts)`)
  return 'attempts'
}

/** Adds `excl`: the attempts, each with `excluded` when an exclusion event fell strictly between its two steps. */
function exclusionsSql (ctes: string[], attempts: string, query: FunnelQuery, windowMs: number, key: string): void {
  const exclusions = query.exclusions ?? []
  if (exclusions.length === 0) {
    ctes.push(`excl AS (SELECT ${attempts}.*, false AS excluded FROM ${attempts})`)
    return
  }
  const checks: string[] = []
  exclusions.forEach((x, j) => {
    // At one millisecond with the from-step, an excluded event is not between (it sorts before the attempt).
    ctes.push(`ux${j} AS (SELECT person, ${key} AS attempt, t${x.fromStep} AS tms, 1 AS kind FROM ${attempts} WHERE t${x.fromStep} IS NOT NULL
      UNION ALL SELECT person, NULL, tms, 0 FROM seq WHERE x${j})`)
    ctes.push(`nx${j} AS (SELECT person, attempt, nts FROM (SELECT person, attempt, min(CASE WHEN kind = 0 THEN tms END)
        OVER (PARTITION BY person ORDER BY tms, kind ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS nts FROM ux${j}) y WHERE attempt IS NOT NULL)`)
    checks.push(`(nx${j}.nts IS NOT NULL AND nx${j}.nts > a.t${x.fromStep} AND nx${j}.nts < coalesce(a.t${x.toStep}, a.t0 + ${windowMs}))`)
  })
  const joins = exclusions.map((_, j) => `LEFT JOIN nx${j} ON nx${j}.person = a.person AND nx${j}.attempt = a.${key}`).join(' ')
  ctes.push(`excl AS (SELECT a.*, (${checks.join(' OR ')}) AS excluded FROM ${attempts} a ${joins})`)
}
