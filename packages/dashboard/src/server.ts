// The dashboard: a static page and a JSON API under /api, all of the API behind the token. The
// token check is a hook of the encapsulated plugin that holds the API's routes, so it runs for
// whatever request the router matched to one of them: a percent-encoded path (/%61pi/events), an
// absolute-form target (GET http://host/api/stats), a HEAD request, a trailing slash. A check of
// the raw URL's spelling would have to guess every one of those.
// BigInt (offsets, lag) is sent as a number string, since JSON has no 64-bit integers.
import { readFile } from 'node:fs/promises'
import Fastify, { type FastifyError, type FastifyInstance, type FastifySchema } from 'fastify'
import { Analytics } from '@tackle/analytics'
import type { ClusterAdmin, TopicReader } from '@tackle/client'
import { capConnections, fastifyHttpOptions, registerOpenApi, resolveHttpLimits, routeDoc, type EventStore, type HttpLimits, type LiveStats } from '@tackle/pipeline'
import { checkBearer } from './auth.ts'
import { DashboardError, DashboardErrorCodes } from './errors.ts'
import { clusterRoutes } from './routes/cluster.ts'
import { eventsRoutes } from './routes/events.ts'
import { groupsRoutes } from './routes/groups.ts'
import { OPS_HTTP_STATUS } from './routes/ops-status.ts'
import { topicsRoutes } from './routes/topics.ts'
import { experimentsRoutes } from './routes/experiments.ts'
import { liveRoutes } from './routes/live.ts'
import { personsRoutes } from './routes/persons.ts'
import { queryRoutes } from './routes/query.ts'
import { statsRoutes } from './routes/stats.ts'

export interface DashboardOptions {
  store: EventStore
  stats: LiveStats
  /** Insights and persons over the store; by default one made here (and stopped on close). */
  analytics?: Analytics
  token: string
  /** Experiment definitions of the config file, for the analytics made here when none is given. */
  experiments?: Readonly<Record<string, unknown>>
  /** For the cluster, topics and groups pages; without it they say the cluster is not known. */
  cluster?: { admin: ClusterAdmin, groups: readonly string[], reader?: TopicReader }
  port?: number
  host?: string
  /** Timeouts and the connection cap (the same defaults as the collector's). */
  limits?: Partial<HttpLimits>
}

/** The version of the dashboard's HTTP API in its OpenAPI document. */
export const DASHBOARD_API_VERSION = '1.0.0'

export interface Dashboard {
  readonly app: FastifyInstance
  readonly url: string
  close (): Promise<void>
}

const PUBLIC = new URL('./public/', import.meta.url)
const ASSETS: Record<string, URL> = Object.fromEntries([
  ...['index.html', 'app.js', 'charts.js', 'insights.js', 'persons.js', 'experiments.js', 'topics.js', 'groups.js', 'table.js', 'format.js', 'style.css'].map(file => [file === 'index.html' ? '/' : `/${file}`, new URL(file, PUBLIC)]),
  // The charting library ships in the package, from npm: the page loads nothing from elsewhere.
  ['/vendor/echarts.min.js', new URL(import.meta.resolve('echarts/dist/echarts.min.js'))],
])
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' }

export async function buildDashboard (options: DashboardOptions): Promise<FastifyInstance> {
  if (typeof options.token !== 'string' || options.token.length < 16) throw new DashboardError(DashboardErrorCodes.INVALID_OPTIONS, 'the dashboard token must be at least 16 characters')
  const limits = resolveHttpLimits(options.limits)
  const app = Fastify({ logger: false, ...fastifyHttpOptions(limits) })
  capConnections(app.server, limits)
  app.setReplySerializer(payload => JSON.stringify(payload, (_key, value: unknown) => typeof value === 'bigint' ? value.toString() : value))
  app.setErrorHandler((error: FastifyError | DashboardError, _request, reply) => {
    const code = (error as { code?: string }).code ?? DashboardErrorCodes.ERROR
    const status = error instanceof DashboardError ? error.statusCode : (error as { statusCode?: number }).statusCode ?? OPS_HTTP_STATUS[code] ?? 500
    const field = (error as { field?: string }).field
    return reply.status(status).send({ code, message: error.message, ...(field === undefined ? {} : { field }) })
  })
  await registerOpenApi(app, { title: 'Tackle dashboard API', description: 'Insights, experiments, persons, live stats, topics and consumer groups; every /api route needs the dashboard token as a bearer token', version: DASHBOARD_API_VERSION, bearerPrefix: '/api' })
  for (const [path, file] of Object.entries(ASSETS)) {
    app.get(path, { schema: { hide: true } as FastifySchema }, async (_request, reply) => reply.type(TYPES[file.pathname.split('.').pop() as string] as string).send(await readFile(file)))
  }
  const analytics = options.analytics ?? new Analytics(options.store, { experiments: options.experiments ?? {} })
  if (options.analytics === undefined) app.addHook('onClose', async () => analytics.close())
  await app.register(async function api (scope) {
    scope.addHook('onRequest', async request => checkBearer(request.headers.authorization, options.token))
    await scope.register(eventsRoutes(options.store))
    await scope.register(statsRoutes(options.stats))
    await scope.register(liveRoutes(options.stats))
    await scope.register(queryRoutes(analytics))
    await scope.register(personsRoutes(analytics))
    await scope.register(experimentsRoutes(analytics))
    if (options.cluster) {
      await scope.register(clusterRoutes(options.cluster.admin, options.cluster.groups))
      if (options.cluster.reader) {
        await scope.register(topicsRoutes(options.cluster.admin, options.cluster.reader))
        await scope.register(groupsRoutes(options.cluster.admin, options.cluster.reader))
      }
    } else {
      scope.get('/api/cluster', { schema: routeDoc('cluster', 'Cluster health and consumer lag') }, async () => ({ health: null, lag: [], note: 'no cluster admin given to the dashboard' }))
    }
  })
  return app
}

export async function startDashboard (options: DashboardOptions): Promise<Dashboard> {
  const app = await buildDashboard(options)
  const url = await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' })
  return { app, url, close: () => app.close() }
}
