// The cluster's health and the pipeline's consumer lag, from the Ops package, sampled on request.
import type { FastifyInstance } from 'fastify'
import type { ClusterAdmin } from '@tackle/client'
import { checkHealth, LagMonitor } from '@tackle/ops'
import { routeDoc } from '@tackle/pipeline'

export function clusterRoutes (admin: ClusterAdmin, groups: readonly string[]) {
  const lag = new LagMonitor(admin, { groups })
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/cluster', { schema: routeDoc('cluster', 'Cluster health and consumer lag') }, async () => {
      const [health] = await Promise.all([checkHealth(admin), lag.sample()])
      return { health, lag: lag.evaluate() }
    })
  }
}
