// Faults by signal on one node's process: SIGKILL (a crash), SIGTERM (a clean stop with controlled
// shutdown), SIGSTOP (a frozen process, as in a long GC pause), aimed at a partition leader or at
// the active KRaft controller. Each heals by starting or thawing the node.
import { waitUntil } from '@tackle/local-kafka'
import { randomLeader, type Fault, type FaultContext } from './fault.ts'

const SIGNALS = { kill: 'SIGKILL', stop: 'SIGTERM', pause: 'SIGSTOP' } as const

/** One signal to the leader of a random partition, or to the active controller; healed by starting or thawing the node. */
function signalFault (name: string, description: string, target: 'leader' | 'controller', action: keyof typeof SIGNALS): Fault {
  return {
    name,
    description,
    async start (context: FaultContext) {
      let id: number
      let role: string
      if (target === 'controller') {
        id = (await context.admin.describeQuorum()).leaderId
        role = 'active controller'
      } else {
        const chosen = await randomLeader(context)
        id = chosen.leader
        role = `leader of partition ${chosen.partition}`
      }
      await context.cluster.node(id, action)
      return {
        detail: `${SIGNALS[action]} node ${id} (${role})`,
        heal: async () => { await context.cluster.node(id, action === 'pause' ? 'resume' : 'start', { signal: context.signal }) },
      }
    },
  }
}

export const killLeader = signalFault('kill-leader', 'SIGKILL the leader of a partition; heal: start it', 'leader', 'kill')
export const stopLeader = signalFault('stop-leader', 'SIGTERM the leader of a partition (controlled shutdown); heal: start it', 'leader', 'stop')
export const pauseLeader = signalFault('pause', 'SIGSTOP the leader of a partition; heal: SIGCONT', 'leader', 'pause')
export const killController = signalFault('kill-controller', 'SIGKILL the active KRaft controller; heal: start it', 'controller', 'kill')

/**
 * Freeze a leader's followers, so that only the leader takes writes; then kill the leader, thaw
 * the followers, and start the old leader only once one of them leads the partition. Whatever only
 * the old leader had is then truncated away: with acks=1 that includes acknowledged records, with
 * acks=all nothing was acknowledged meanwhile. (Started at once, the old leader would come back
 * with its page-cached log before anyone replaced it, and nothing would be lost.) The positive
 * control's fault, and the nearest to a partitioned leader that signals reach.
 */
export const pauseFollowers: Fault = {
  name: 'pause-followers',
  description: 'SIGSTOP a leader\'s followers, then SIGKILL the leader, SIGCONT them, and start it once a follower leads',
  async start (context) {
    const { leader, partition } = await randomLeader(context)
    const followers = ((await context.admin.partitions([context.topic])).find(p => p.partition === partition)?.replicas ?? []).filter(r => r !== leader)
    for (const f of followers) await context.cluster.node(f, 'pause')
    return {
      detail: `SIGSTOP nodes ${followers.join(',')} (followers of partition ${partition}), later SIGKILL leader ${leader}`,
      heal: async () => {
        await context.cluster.node(leader, 'kill')
        for (const f of followers) await context.cluster.node(f, 'resume')
        await waitUntil(async () => {
          const now = (await context.admin.partitions([context.topic]).catch(() => []))[partition]
          return now && now.leader >= 0 && now.leader !== leader ? true : undefined
        }, { timeoutMs: 60_000, signal: context.signal })
        await context.cluster.node(leader, 'start', { signal: context.signal })
      },
    }
  },
}
