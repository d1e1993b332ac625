// Experiments: list, define (POST), edit (PUT), results, and the power calculator. An experiment
// only seen in exposures (not defined) is analysed with the conversion event named in the query
// (?conversion=Order%20Completed&control=a), as before definitions existed.
import type { FastifyInstance } from 'fastify'
import { AnalyticsError, AnalyticsErrorCodes, ExperimentDefinitionSchema, type Analytics } from '@tackle/analytics'
import { documented, routeDoc } from '@tackle/pipeline'
import { stringParam } from '../query.ts'
import { IdParams } from './route-params.ts'

export function experimentsRoutes (analytics: Analytics) {
  const experiments = analytics.experiments
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/experiments', { schema: routeDoc('experiments', 'Every experiment with its state') }, async () => ({ experiments: await experiments.list() }))
    app.get('/api/experiments/schema', { schema: routeDoc('experiments', 'The JSON Schema of an experiment definition') }, async () => ExperimentDefinitionSchema)
    app.post('/api/experiments', documented(routeDoc('experiments', 'Define an experiment', { body: ExperimentDefinitionSchema })), async (request, reply) => reply.status(201).send(await experiments.registry.create(request.body)))
    app.put('/api/experiments/:id', documented(routeDoc('experiments', "Change an experiment's definition", { body: ExperimentDefinitionSchema, params: IdParams })), async request => experiments.registry.update((request.params as { id: string }).id, request.body))
    app.get('/api/experiments/:id/definition', { schema: routeDoc('experiments', "An experiment's definition", { params: IdParams }) }, async request => experiments.definition((request.params as { id: string }).id))
    app.get('/api/experiments/:id', { schema: routeDoc('experiments', "An experiment's results", { params: IdParams }) }, async request => {
      const { id } = request.params as { id: string }
      const asked = adHoc(request.query as Record<string, unknown>)
      const results = await experiments.results(await experiments.definition(id, asked))
      const defined = await experiments.registry.get(id) !== undefined
      if (!defined && results.variants.every(v => v.users === 0)) throw new AnalyticsError(AnalyticsErrorCodes.EXPERIMENT_NOT_FOUND, `no experiment "${id}": it is not defined and no exposure names it`)
      return results
    })
    app.post('/api/experiments/:id/power', { schema: routeDoc('experiments', 'How many persons and days an effect needs to be found', { params: IdParams }) }, async request => {
      const { id } = request.params as { id: string }
      const definition = await experiments.definition(id, adHoc(request.query as Record<string, unknown>))
      return experiments.power(definition, (request.body ?? {}) as Record<string, never>)
    })
  }
}

function adHoc (query: Record<string, unknown>): unknown {
  const conversion = stringParam(query, 'conversion')
  if (conversion === undefined) return undefined
  const control = stringParam(query, 'control')
  return { metrics: [{ kind: 'conversion', event: conversion }], ...(control === undefined ? {} : { control }) }
}
