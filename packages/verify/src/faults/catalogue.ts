// Every fault by name, and `mix`: a random one of the others per episode (network faults only on
// a cluster in network namespaces).
import type { Fault } from './fault.ts'
import { latency, partitionHalf, partitionLeader } from './network-faults.ts'
import { killController, killLeader, pauseFollowers, pauseLeader, stopLeader } from './process-faults.ts'
import { rollFault } from './roll-fault.ts'

export const FAULTS: Readonly<Record<string, Fault>> = Object.freeze(Object.fromEntries([killLeader, stopLeader, pauseLeader, killController, pauseFollowers, rollFault, partitionLeader, partitionHalf, latency].map(f => [f.name, f])))

/** Faults that need the cluster's nodes in network namespaces. */
export const NETWORK_FAULTS: readonly string[] = [partitionLeader.name, partitionHalf.name, latency.name]

/** Faults this machine turned out not to offer (latency without sch_netem), so mix stops drawing them. */
const unavailable = new Set<string>()

export const mix: Fault = {
  name: 'mix',
  description: 'a random fault of the others each episode',
  async start (context) {
    const netns = (await context.cluster.status())?.network !== undefined
    for (;;) {
      const names = Object.keys(FAULTS).filter(name => (netns || !NETWORK_FAULTS.includes(name)) && !unavailable.has(name))
      const fault = FAULTS[names[Math.floor(context.random() * names.length)] as string] as Fault
      try {
        const active = await fault.start(context)
        return { detail: `${fault.name}: ${active.detail}`, heal: active.heal }
      } catch (error) {
        // A fault refused before it changed anything: draw another instead of ending the run.
        if ((error as { code?: unknown }).code !== 'TACKLE_LOCAL_KAFKA_NETNS_UNAVAILABLE') throw error
        unavailable.add(fault.name)
      }
    }
  },
}

export function faultByName (name: string): Fault | undefined {
  return name === 'mix' ? mix : FAULTS[name]
}

export function faultNames (): string[] {
  return [...Object.keys(FAULTS), 'mix']
}
