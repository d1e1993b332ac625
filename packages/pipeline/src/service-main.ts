// One pipeline service per process, so the stateless parts scale out: `collector` (HTTP in,
// Kafka out) or `processor` (Kafka in, store out), configured by one JSON argument. When started
// with an IPC channel (child_process.fork) it reports `{"type":"ready"}` and answers
// `{"type":"status"}` with the partitions of the events topic it owns; SIGTERM and SIGINT close
// it in the order that loses nothing. An entry point, so it alone here reads process state.
import { pino } from 'pino'
import { startCollectorService, type CollectorServiceOptions } from './collector-service.ts'
import { startProcessorService, type ProcessorServiceOptions } from './processor-service.ts'
import { pipelineTopics } from './topics.ts'

export type ServiceConfig =
  | ({ role: 'collector', topicPrefix?: string } & Omit<CollectorServiceOptions, 'topics' | 'producer' | 'registry' | 'logger'>)
  | ({ role: 'processor', topicPrefix?: string } & Omit<ProcessorServiceOptions, 'topics' | 'producer' | 'registry' | 'logger'>)

export type ServiceMessage =
  | { type: 'ready', role: ServiceConfig['role'], pid: number, url?: string }
  | { type: 'status', pid: number, owned: number[], stored: number }
  | { type: 'failed', message: string }

const send = (message: ServiceMessage) => process.send?.(message)

async function main (): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? process.env.TACKLE_SERVICE_CONFIG ?? '{}') as ServiceConfig
  const logger = pino({ level: process.env.TACKLE_LOG_LEVEL ?? 'warn' }, pino.destination(2))
  const topics = pipelineTopics(config.topicPrefix)
  let close: () => Promise<void>
  if (config.role === 'collector') {
    const service = await startCollectorService({ ...config, topics, logger })
    close = service.close
    send({ type: 'ready', role: 'collector', pid: process.pid, url: service.collector.url })
  } else if (config.role === 'processor') {
    const service = await startProcessorService({ ...config, topics, logger })
    close = service.close
    process.on('message', (message: { type?: string }) => {
      if (message?.type !== 'status') return
      send({ type: 'status', pid: process.pid, owned: service.processor.assignment().get(topics.events.name) ?? [], stored: service.stats.snapshot().stored })
    })
    send({ type: 'ready', role: 'processor', pid: process.pid })
  } else {
    throw new Error(`role must be "collector" or "processor", got ${JSON.stringify((config as { role?: unknown }).role)}`)
  }
  let closing = false
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (closing) return
      closing = true
      void close().finally(() => process.exit(0))
    })
  }
  // A parent that goes away takes its services with it.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}

main().catch(error => {
  send({ type: 'failed', message: (error as Error)?.message ?? String(error) })
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
