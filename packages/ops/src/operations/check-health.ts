// "Ensure healthy cluster": every expected broker registered and unfenced, a KRaft quorum with a
// leader and caught-up voters, and no partition offline, under min ISR or under-replicated.
// Leader imbalance is reported but never fails the check. Problems name their topic and partition.
import type { ClusterAdmin } from '@tackle/client'
import { partitionName, takeSnapshot, type ClusterSnapshot } from '../cluster-snapshot.ts'

export type ProblemKind = 'broker-missing' | 'quorum-no-leader' | 'quorum-lagging' | 'offline' | 'under-min-isr' | 'under-replicated' | 'log-dir-offline'

export interface Problem {
  kind: ProblemKind
  topic?: string
  partition?: number
  brokerId?: number
  detail: string
}

export interface HealthReport {
  healthy: boolean
  brokers: Array<{ id: number, host: string | null, port: number | null, rack: string | null, registered: boolean }>
  /** The active controller: the KRaft quorum's leader (brokers answer DescribeCluster with a random broker). */
  controller: { id: number, voters: Array<{ id: number, lagMs: number | null }> }
  problems: Problem[]
  leaderImbalance: { partitions: number, leadersByBroker: Record<string, number> }
  partitions: number
}

export interface HealthOptions {
  /** A voter whose last catch-up is older than this, by the leader's clock, is lagging. */
  quorumLagMs: number
}

export const defaultHealthOptions: Readonly<HealthOptions> = Object.freeze({ quorumLagMs: 5_000 })

/** Voters caught up with the leader: the leader itself, and every voter within quorumLagMs. */
export function caughtUpVoters (snapshot: ClusterSnapshot, options: HealthOptions = defaultHealthOptions): number[] {
  return (snapshot.quorum?.voters ?? []).filter(v => v.lagMs !== null && v.lagMs <= options.quorumLagMs).map(v => v.id)
}

export function assessHealth (snapshot: ClusterSnapshot, options: HealthOptions = defaultHealthOptions): HealthReport {
  const registered = new Map(snapshot.cluster.brokers.map(b => [b.id, b]))
  const problems: Problem[] = []
  for (const id of snapshot.expectedBrokers) {
    if (!registered.has(id)) problems.push({ kind: 'broker-missing', brokerId: id, detail: `broker ${id} is not registered, or is fenced` })
  }
  const quorum = snapshot.quorum
  if (quorum && quorum.leaderId < 0) problems.push({ kind: 'quorum-no-leader', detail: 'the KRaft quorum has no leader' })
  if (quorum && quorum.leaderId >= 0) {
    const caughtUp = new Set(caughtUpVoters(snapshot, options))
    for (const v of quorum.voters.filter(v => !caughtUp.has(v.id))) {
      problems.push({ kind: 'quorum-lagging', brokerId: v.id, detail: `controller ${v.id} ${v.lagMs === null ? 'has never caught up' : `last caught up ${v.lagMs} ms ago`} with the quorum leader ${quorum.leaderId}` })
    }
  }
  for (const p of snapshot.partitions) {
    const where = { topic: p.topic, partition: p.partition }
    if (p.leader < 0 || !registered.has(p.leader)) {
      problems.push({ kind: 'offline', ...where, detail: `${partitionName(p)} has no leader (replicas ${p.replicas.join(',')})` })
    } else if (p.isr.length < p.minIsr) {
      problems.push({ kind: 'under-min-isr', ...where, detail: `${partitionName(p)} has ISR ${p.isr.join(',')} < min.insync.replicas ${p.minIsr}: writes with acks=all fail` })
    } else if (p.isr.length < p.replicas.length) {
      const missing = p.replicas.filter(r => !p.isr.includes(r))
      problems.push({ kind: 'under-replicated', ...where, detail: `${partitionName(p)} has ISR ${p.isr.join(',')} of replicas ${p.replicas.join(',')}; out of sync: ${missing.join(',')}` })
    }
    for (const id of p.offlineReplicas.filter(r => registered.has(r))) {
      problems.push({ kind: 'log-dir-offline', ...where, brokerId: id, detail: `${partitionName(p)}'s replica on broker ${id} is on an offline log directory` })
    }
  }
  const leadersByBroker: Record<string, number> = {}
  for (const p of snapshot.partitions) if (p.leader >= 0) leadersByBroker[p.leader] = (leadersByBroker[p.leader] ?? 0) + 1
  const ids = [...new Set([...snapshot.expectedBrokers, ...registered.keys()])].sort((a, b) => a - b)
  return {
    healthy: problems.length === 0,
    brokers: ids.map(id => {
      const b = registered.get(id)
      return { id, host: b?.host ?? null, port: b?.port ?? null, rack: b?.rack ?? null, registered: b !== undefined }
    }),
    controller: { id: quorum?.leaderId ?? snapshot.cluster.controllerId, voters: (quorum?.voters ?? []).map(v => ({ id: v.id, lagMs: v.lagMs })) },
    problems,
    leaderImbalance: { partitions: snapshot.partitions.filter(p => p.leader >= 0 && p.leader !== p.replicas[0]).length, leadersByBroker },
    partitions: snapshot.partitions.length,
  }
}

export async function checkHealth (admin: ClusterAdmin, options: Partial<HealthOptions> & { expectedBrokers?: readonly number[] } = {}): Promise<HealthReport> {
  return assessHealth(await takeSnapshot(admin, options.expectedBrokers), { ...defaultHealthOptions, ...options })
}
