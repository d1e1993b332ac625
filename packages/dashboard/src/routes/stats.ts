import type { FastifyInstance } from 'fastify'
import type { LiveStats } from '@tackle/pipeline'

export function statsRoutes (stats: LiveStats) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/stats', async () => stats.snapshot())
  }
}
