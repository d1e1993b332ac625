// The insight query API: POST /api/query takes one typed query (the schema is at
// GET /api/query/schema) and answers with its result; a malformed one gets 400 naming the field.
// GET /api/query/events lists the event names to pick from.
import type { FastifyInstance } from 'fastify'
import { InsightQuerySchema, type Analytics } from '@tackle/analytics'
import { documented, routeDoc } from '@tackle/pipeline'

export function queryRoutes (analytics: Analytics) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/query/schema', { schema: routeDoc('insights', 'The JSON Schema of an insight query') }, async () => InsightQuerySchema)
    app.get('/api/query/events', { schema: routeDoc('insights', 'Event names of the last 30 days, most frequent first') }, async () => ({ events: await analytics.eventNames() }))
    app.post('/api/query', documented(routeDoc('insights', 'Run an insight: trends, funnel, retention or sessions', { body: InsightQuerySchema })), async request => analytics.query(request.body))
  }
}
