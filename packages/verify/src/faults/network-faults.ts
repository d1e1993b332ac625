// Faults on the network between nodes, inside the local cluster's network namespaces (iptables
// rules dropping traffic both ways, with rules on both sides; tc netem for latency). Clients in
// the root namespace still reach every node, as in Jepsen's partitions: a cut-off leader keeps
// taking requests it can no longer replicate.
import { randomLeader, type Fault, type FaultContext } from './fault.ts'

async function nodeIds (context: FaultContext): Promise<number[]> {
  return (await context.cluster.status())?.nodes.map(n => n.id) ?? []
}

function healed (context: FaultContext): () => Promise<void> {
  return () => context.cluster.healNetwork()
}

export const partitionLeader: Fault = {
  name: 'partition-leader',
  description: 'cut the leader of a partition off from the other nodes (clients still reach it); heal: remove the rules',
  async start (context) {
    const { leader, partition } = await randomLeader(context)
    await context.cluster.isolate(leader)
    return { detail: `node ${leader} (leader of partition ${partition}) cut off from the other nodes`, heal: healed(context) }
  },
}

export const partitionHalf: Fault = {
  name: 'partition-half',
  description: 'split the nodes in two: one random node on one side, the rest on the other; heal: remove the rules',
  async start (context) {
    const ids = await nodeIds(context)
    const alone = ids[Math.floor(context.random() * ids.length)] as number
    await context.cluster.isolate(alone)
    return { detail: `node ${alone} | nodes ${ids.filter(id => id !== alone).join(',')}`, heal: healed(context) }
  },
}

export const latency: Fault = {
  name: 'latency',
  description: 'delay (100 ms ± 50 ms) and drop (5%) what every node sends; heal: remove the delay',
  async start (context) {
    const ids = await nodeIds(context)
    for (const id of ids) await context.cluster.degrade(id, { delayMs: 100, jitterMs: 50, lossPercent: 5 })
    return { detail: `nodes ${ids.join(',')} delayed 100±50 ms, 5% loss`, heal: healed(context) }
  },
}
