// Faults of the pipeline's own processes, each an episode like the broker faults: SIGKILL a
// collector (mid-request: the clients' connections drop) or a processor (mid-batch: its records
// are redelivered to whoever takes its partitions), halt PostgreSQL in its fast or immediate
// shutdown mode (immediate leaves crash recovery for the start), or mix poison into the load.
// Broker faults come from the client target's catalogue, aimed at the events topic.
import type { Fault, FaultContext } from '../faults/fault.ts'
import { killLeader, pauseLeader } from '../faults/process-faults.ts'
import { partitionLeader } from '../faults/network-faults.ts'
import type { HttpWorkload } from './http-workload.ts'
import type { PipelineTopology } from './topology.ts'

export interface PipelineFaultContext extends FaultContext {
  topology: PipelineTopology
  workload: HttpWorkload
}

const MID_REQUEST_WAIT_MS = 2_000

function killRole (name: string, role: 'collector' | 'processor', what: string): Fault<PipelineFaultContext> {
  return {
    name,
    description: `SIGKILL a ${role} process ${what}; heal: start it again`,
    async start (context) {
      const slots = context.topology.slots(role)
      const slot = slots[Math.floor(context.random() * slots.length)] as number
      // A collector dies with a request in flight, so the clients' retry of a dropped request is
      // exercised every time, not only when the kill happens to land on one.
      const url = role === 'collector' ? context.topology.urlOf(slot) : undefined
      const midRequest = url === undefined ? undefined : await context.workload.requestInFlight(url, MID_REQUEST_WAIT_MS)
      const pid = context.topology.kill(slot)
      const when = midRequest === undefined ? '' : midRequest ? ', a request in flight' : `, no request in ${MID_REQUEST_WAIT_MS} ms`
      return {
        detail: `SIGKILL ${role} ${slot} (pid ${pid}${when})`,
        heal: async () => { await context.topology.restart(slot) },
      }
    },
  }
}

export const killCollector = killRole('kill-collector', 'collector', 'mid-request')
export const killProcessor = killRole('kill-processor', 'processor', 'mid-batch')

export const restartStore: Fault<PipelineFaultContext> = {
  name: 'restart-store',
  description: 'stop PostgreSQL (fast or immediate shutdown, at random) and hold it down; heal: start it',
  async start (context) {
    const mode = context.random() < 0.5 ? 'fast' : 'immediate'
    await context.topology.store.halt(mode)
    return { detail: `PostgreSQL ${mode} shutdown`, heal: () => context.topology.store.start() }
  },
}

export const poison: Fault<PipelineFaultContext> = {
  name: 'poison',
  description: 'mix bad events into the load (one in five): bad dates, lone surrogates, deep nesting, a tracking-plan violation',
  async start (context) {
    context.workload.poisonRate = 0.2
    return { detail: 'one event in five is poison', heal: async () => { context.workload.poisonRate = 0 } }
  },
}

export const PIPELINE_FAULTS: Readonly<Record<string, Fault<PipelineFaultContext>>> = Object.freeze(Object.fromEntries(
  [killLeader, pauseLeader, partitionLeader, killCollector, killProcessor, restartStore, poison].map(f => [f.name, f as Fault<PipelineFaultContext>]),
))

export function pipelineFaultNames (): string[] {
  return Object.keys(PIPELINE_FAULTS)
}
