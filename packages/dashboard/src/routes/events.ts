import type { FastifyInstance } from 'fastify'
import { routeDoc, type EventStore } from '@tackle/pipeline'
import { intParam, stringParam } from '../query.ts'

export function eventsRoutes (store: EventStore) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/events', { schema: routeDoc('events', 'Stored events, newest first (?event=NAME&limit=N)') }, async request => {
      const query = request.query as Record<string, unknown>
      return { events: await store.recentEvents({ event: stringParam(query, 'event'), limit: intParam(query, 'limit', 50, 1000) }) }
    })
    app.get('/api/failed', { schema: routeDoc('events', 'Failed events, newest first (?limit=N)') }, async request => ({ failed: await store.recentFailures(intParam(request.query as Record<string, unknown>, 'limit', 50, 1000)) }))
  }
}
