// /metrics, /healthz and /readyz for any process that uses Tackle's client: Prometheus scrapes
// the first, an orchestrator probes the other two. Three fixed routes need no web framework.
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { register as defaultRegistry, type Registry } from 'prom-client'

/** A readiness check: undefined when ready, else the reason it is not. */
export type ReadinessCheck = () => string | undefined | Promise<string | undefined>

export interface HealthServerOptions {
  port?: number
  host?: string
  registry?: Registry
  checks?: Record<string, ReadinessCheck>
}

export interface HealthServer {
  url: string
  close (): Promise<void>
}

export async function serveHealth (options: HealthServerOptions = {}): Promise<HealthServer> {
  const registry = options.registry ?? defaultRegistry
  const checks = options.checks ?? {}
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (path === '/metrics') {
      registry.metrics().then(text => response.writeHead(200, { 'content-type': registry.contentType }).end(text), (error: Error) => json(500, { error: error.message }))
    } else if (path === '/healthz') {
      json(200, { status: 'ok' })
    } else if (path === '/readyz') {
      Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await Promise.resolve().then(check).catch((error: Error) => error.message)] as const)).then(results => {
        const failing = Object.fromEntries(results.filter(([, reason]) => reason !== undefined))
        json(Object.keys(failing).length === 0 ? 200 : 503, { ready: Object.keys(failing).length === 0, failing })
      })
    } else {
      json(404, { error: `no route ${path}; try /metrics, /healthz or /readyz` })
    }
  })
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1')
  await once(server, 'listening')
  const address = server.address() as AddressInfo
  return {
    url: `http://${address.address}:${address.port}`,
    close: () => new Promise((resolve, reject) => server.close(error => error ? reject(error) : resolve())),
  }
}
