// Experiments over one store: the definitions (config file and API), the flags the collector
// serves for them, the results, and the power calculator fed by the traffic so far.
import { PERSON_ID, PERSON_JOIN, type EventStore } from '@tackle/pipeline'
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { analyseExperimentRows, type ExperimentResults, type StatsRow } from './analyse-experiment.ts'
import { parseExperimentDefinition, type ExperimentDefinition } from './experiment-definition.ts'
import { ExperimentFlags } from './experiment-flags.ts'
import { ExperimentRegistry } from './experiment-registry.ts'
import { experimentStatsSql, experimentWindow, POSTHOG_EXPOSURE, SEGMENT_EXPOSURE } from './experiment-sql.ts'
import { experimentPower, type PowerInput, type PowerResult } from './experiment-power.ts'

export interface ExperimentSummary {
  /** The first API's names, kept: id, persons exposed, the primary conversion event. */
  experimentId: string
  users: number
  conversionEvent: string | null
  id: string
  name: string
  defined: 'api' | 'config' | null
  variants: string[]
  /** Persons exposed so far (any variant), and when the first and last exposure happened. */
  exposed: number
  firstExposure: string | null
  lastExposure: string | null
}

export class Experiments {
  readonly registry: ExperimentRegistry
  readonly flags: ExperimentFlags
  readonly #store: EventStore
  readonly #beforeRead: () => Promise<void>

  /** `beforeRead` brings persons up to date (the resolver), so exposures and conversions count for merged persons. */
  constructor (store: EventStore, configured: Readonly<Record<string, unknown>> = {}, beforeRead: () => Promise<void> = async () => {}) {
    this.#store = store
    this.#beforeRead = beforeRead
    this.registry = new ExperimentRegistry(store, configured)
    this.flags = new ExperimentFlags(store, this.registry)
  }

  /** Defined experiments, and experiments only seen in exposure events. */
  async list (): Promise<ExperimentSummary[]> {
    const [defined, seen] = await Promise.all([this.registry.list(), this.#seen()])
    const out = new Map<string, ExperimentSummary>()
    const empty = { users: 0, exposed: 0, firstExposure: null, lastExposure: null }
    for (const d of defined) {
      const primary = d.metrics.find(m => m.role === 'primary')
      out.set(d.id, { experimentId: d.id, id: d.id, name: d.name, defined: await this.registry.source(d.id), variants: d.variants?.map(v => v.key) ?? [], conversionEvent: primary?.kind === 'conversion' ? primary.event ?? null : null, ...empty })
    }
    for (const s of seen) {
      const known = out.get(s.id) ?? { experimentId: s.id, id: s.id, name: s.id, defined: null, variants: [], conversionEvent: null, ...empty }
      out.set(s.id, { ...known, users: s.exposed, exposed: s.exposed, firstExposure: s.first, lastExposure: s.last })
    }
    return [...out.values()].sort((a, b) => (b.lastExposure ?? '').localeCompare(a.lastExposure ?? '') || a.id.localeCompare(b.id))
  }

  async #seen (): Promise<Array<{ id: string, exposed: number, first: string, last: string }>> {
    await this.#beforeRead()
    const d = this.#store.dialect
    const id = `CASE WHEN e.event = $1 THEN ${d.jsonText('e.properties', '$feature_flag')} ELSE ${d.jsonText('e.properties', 'experiment_id')} END`
    const rows = await this.#store.query(
      `SELECT ${id} AS id, count(DISTINCT ${PERSON_ID}) AS exposed, ${d.epochMs('min(e.timestamp)')} AS first, ${d.epochMs('max(e.timestamp)')} AS last
       FROM events e ${PERSON_JOIN} WHERE e.event IN ($1, $2) GROUP BY 1 HAVING ${id} IS NOT NULL`, [POSTHOG_EXPOSURE, SEGMENT_EXPOSURE])
    return rows.map(r => ({ id: String(r.id), exposed: Number(r.exposed), first: new Date(Number(r.first)).toISOString(), last: new Date(Number(r.last)).toISOString() }))
  }

  /** The definition, or one made for an experiment only seen in exposures when `adHoc` gives its metric. */
  async definition (id: string, adHoc?: unknown): Promise<ExperimentDefinition> {
    const defined = await this.registry.get(id)
    if (defined !== undefined) return defined
    if (adHoc !== undefined) return parseExperimentDefinition({ id, ...(adHoc as object) })
    throw new AnalyticsError(AnalyticsErrorCodes.EXPERIMENT_NOT_FOUND, `no experiment "${id}" is defined: define it (POST /api/experiments), or name a conversion event (?conversion=EVENT) to analyse its exposures`)
  }

  async results (definition: ExperimentDefinition, nowMs = Date.now()): Promise<ExperimentResults> {
    return analyseExperimentRows(definition, await this.statsRows(definition, nowMs))
  }

  async statsRows (definition: ExperimentDefinition, nowMs = Date.now()): Promise<StatsRow[]> {
    await this.#beforeRead()
    const { sql, params } = experimentStatsSql(this.#store.dialect, definition, experimentWindow(definition, nowMs))
    try {
      return (await this.#store.query(sql, params)) as StatsRow[]
    } catch (error) {
      throw new AnalyticsError(AnalyticsErrorCodes.QUERY_FAILED, `the experiment "${definition.id}" could not be read: ${(error as Error).message}`, { cause: error })
    }
  }

  async power (definition: ExperimentDefinition, input: PowerInput, nowMs = Date.now()): Promise<PowerResult> {
    return experimentPower(definition, await this.statsRows(definition, nowMs), input, nowMs)
  }
}
