// Persons: search (?q=), one person with its merged ids and timeline, and the GDPR erasure.
import type { FastifyInstance } from 'fastify'
import type { Analytics } from '@tackle/analytics'
import { intParam, stringParam } from '../query.ts'

export function personsRoutes (analytics: Analytics) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/persons', async request => {
      const query = request.query as Record<string, unknown>
      const text = stringParam(query, 'q') ?? ''
      return { persons: await analytics.searchPersons(text, intParam(query, 'limit', 20, 200)) }
    })
    app.get('/api/persons/:id', async request => analytics.person((request.params as { id: string }).id))
    app.delete('/api/persons/:id', async request => ({ erased: await analytics.deletePerson((request.params as { id: string }).id) }))
  }
}
