// Experiment results. The conversion event and control come from the experiment's config, or
// from the query (?conversion=Order%20Completed&control=a) for experiments not configured.
import type { FastifyInstance } from 'fastify'
import { analyseExperiment, type EventStore, type ExperimentConfig } from '@tackle/pipeline'
import { DashboardError, DashboardErrorCodes } from '../errors.ts'
import { stringParam } from '../query.ts'

export function experimentsRoutes (store: EventStore, configured: Readonly<Record<string, ExperimentConfig>>) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/experiments', async () => {
      const seen = await store.experiments()
      return { experiments: seen.map(e => ({ ...e, conversionEvent: configured[e.experimentId]?.conversionEvent ?? null })) }
    })
    app.get('/api/experiments/:id', async request => {
      const { id } = request.params as { id: string }
      const query = request.query as Record<string, unknown>
      const config = configured[id]
      const conversionEvent = stringParam(query, 'conversion') ?? config?.conversionEvent
      if (conversionEvent === undefined) throw new DashboardError(DashboardErrorCodes.BAD_QUERY, `experiment "${id}" has no conversion event configured: add ?conversion=EVENT_NAME`)
      const control = stringParam(query, 'control') ?? config?.control
      return analyseExperiment(store, id, { ...config, conversionEvent, ...(control ? { control } : {}) })
    })
  }
}
