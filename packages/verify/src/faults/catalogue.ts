// Every fault by name, and `mix`: a random one of the others per episode.
import type { Fault } from './fault.ts'
import { killController, killLeader, pauseFollowers, pauseLeader, stopLeader } from './process-faults.ts'
import { rollFault } from './roll-fault.ts'

export const FAULTS: Readonly<Record<string, Fault>> = Object.freeze(Object.fromEntries([killLeader, stopLeader, pauseLeader, killController, pauseFollowers, rollFault].map(f => [f.name, f])))

export const mix: Fault = {
  name: 'mix',
  description: 'a random fault of the others each episode',
  async start (context) {
    const names = Object.keys(FAULTS)
    const fault = FAULTS[names[Math.floor(context.random() * names.length)] as string] as Fault
    const active = await fault.start(context)
    return { detail: `${fault.name}: ${active.detail}`, heal: active.heal }
  },
}

/** Network faults need the harness's network namespaces, which are not built yet. */
export const PLANNED_FAULTS = ['partition-leader', 'partition-half', 'latency'] as const

export function faultByName (name: string): Fault | undefined {
  return name === 'mix' ? mix : FAULTS[name]
}

export function faultNames (): string[] {
  return [...Object.keys(FAULTS), 'mix']
}
