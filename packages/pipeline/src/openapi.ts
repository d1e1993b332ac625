// The OpenAPI 3.1 document of an HTTP API, built by @fastify/swagger from the routes as they are
// registered: every route is in it (none is listed by hand), with the schemas its handler checks
// the body against, and served at GET /openapi.json.
import swagger from '@fastify/swagger'
import type { FastifyInstance, FastifySchema } from 'fastify'

export interface OpenApiInfo {
  title: string
  description: string
  version: string
  /** A bearer token that every route under this prefix needs. */
  bearerPrefix?: string
}

/** Registers the document's builder; call before any route is added, since it collects them as they are. */
export async function registerOpenApi (app: FastifyInstance, info: OpenApiInfo): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, description: info.description, version: info.version },
      ...(info.bearerPrefix === undefined ? {} : { components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } } }),
    },
    transform: ({ schema, url }) => {
      const documented: FastifySchema & { security?: unknown } = { ...schema }
      if (info.bearerPrefix !== undefined && url.startsWith(info.bearerPrefix)) documented.security = [{ token: [] }]
      return { schema: documented, url }
    },
  })
  app.get('/openapi.json', { schema: { hide: true } as FastifySchema }, async () => app.swagger())
}

/**
 * Route options for a route whose handler checks its own input (to name the field at fault in
 * the API's own error shape): the schema documents the route, and Fastify does not validate.
 */
export function documented (schema: FastifySchema): { schema: FastifySchema, validatorCompiler: typeof skipValidation } {
  return { schema, validatorCompiler: skipValidation }
}

/** A validator compiler under which every input passes: for a server or route whose handlers check their own input. */
export const skipValidation = (): () => true => () => true

/** A route's entry in the document: its group, one line on what it does, and what it takes. */
export function routeDoc (tag: string, summary: string, parts: { body?: unknown, params?: unknown, querystring?: unknown } = {}): FastifySchema {
  return { tags: [tag], summary, ...parts }
}
