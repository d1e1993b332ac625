// The live stream, pushed as server-sent events (the WHATWG HTML "text/event-stream" format):
// `snapshot` (the live aggregates, each second they change) and `events` (newly stored events,
// at most MAX_EVENTS_PER_PUSH per push, newest last). The page reads it with fetch, which can
// send the bearer token; EventSource cannot.
import type { FastifyInstance } from 'fastify'
import { routeDoc, type LiveStats, type PipelineEvent } from '@tackle/pipeline'

const PUSH_EVERY_MS = 1_000
const HEARTBEAT_EVERY_MS = 15_000
export const MAX_EVENTS_PER_PUSH = 200

export function liveRoutes (stats: LiveStats) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    const streams = new Set<() => void>()
    // A stream never ends by itself: closing the server ends them first, or close would wait for ever.
    app.addHook('preClose', async () => { for (const end of streams) end() })
    app.get('/api/live', { schema: routeDoc('stats', 'Stored events as they arrive (server-sent events)') }, (request, reply) => {
      reply.hijack()
      const raw = reply.raw
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      let pending: Array<PipelineEvent & { storedAt: string }> = []
      let dropped = 0
      const unsubscribe = stats.onStored((events, storedAt) => {
        for (const e of events) pending.push({ ...e, storedAt: storedAt.toISOString() })
        if (pending.length > MAX_EVENTS_PER_PUSH) {
          dropped += pending.length - MAX_EVENTS_PER_PUSH
          pending = pending.slice(-MAX_EVENTS_PER_PUSH)
        }
      })
      let last = ''
      const push = () => {
        const snapshot = stats.snapshot()
        const text = JSON.stringify({ ...snapshot, now: undefined })
        if (text !== last) {
          send('snapshot', snapshot)
          last = text
        }
        if (pending.length > 0) {
          send('events', { events: pending, skipped: dropped })
          pending = []
          dropped = 0
        }
      }
      push()
      const timer = setInterval(push, PUSH_EVERY_MS)
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_EVERY_MS)
      const end = () => {
        clearInterval(timer)
        clearInterval(heartbeat)
        unsubscribe()
        streams.delete(end)
        raw.end()
      }
      streams.add(end)
      request.raw.on('close', end)
    })
  }
}
