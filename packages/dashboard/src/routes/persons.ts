// Persons: search (?q=), one person with its merged ids and timeline, and the GDPR erasure.
import type { FastifyInstance } from 'fastify'
import type { Analytics } from '@tackle/analytics'
import { routeDoc } from '@tackle/pipeline'
import { intParam, stringParam } from '../query.ts'
import { IdParams } from './route-params.ts'

export function personsRoutes (analytics: Analytics) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/persons', { schema: routeDoc('persons', 'Persons, most recently seen first (?q=TEXT&limit=N)') }, async request => {
      const query = request.query as Record<string, unknown>
      const text = stringParam(query, 'q') ?? ''
      return { persons: await analytics.searchPersons(text, intParam(query, 'limit', 20, 200)) }
    })
    app.get('/api/persons/:id', { schema: routeDoc('persons', 'One person: ids, properties, events', { params: IdParams }) }, async request => analytics.person((request.params as { id: string }).id))
    app.delete('/api/persons/:id', { schema: routeDoc('persons', "Erase a person's events and properties", { params: IdParams }) }, async request => ({ erased: await analytics.deletePerson((request.params as { id: string }).id) }))
  }
}
