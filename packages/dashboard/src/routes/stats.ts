import type { FastifyInstance } from 'fastify'
import { routeDoc, type LiveStats } from '@tackle/pipeline'

export function statsRoutes (stats: LiveStats) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/stats', { schema: routeDoc('stats', 'Live aggregates per minute, latency and failures') }, async () => stats.snapshot())
  }
}
