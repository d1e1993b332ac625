// "Ensure healthy cluster": every expected broker registered and unfenced, a KRaft quorum with a
// leader and caught-up voters, and no partition offline, under min ISR or under-replicated.
// Leader imbalance is reported but never fails the check. Problems name their topic and partition.
// Disks and certificates are judged against two thresholds each: a warning first (80% full, 30 days
// left), a failure later (90%, 7 days), the levels Strimzi's and Confluent's alerts use.
import type { ClusterAdmin } from '@tackle/client'
import { partitionName, takeSnapshot, type ClusterSnapshot } from '../cluster-snapshot.ts'
import { listenerCertificates, type ListenerCertificate } from '../health/certificate-expiry.ts'
import { logDirUsage, type LogDirReport } from '../health/log-dir-usage.ts'

export type ProblemKind = 'broker-missing' | 'quorum-no-leader' | 'quorum-lagging' | 'offline' | 'under-min-isr' | 'under-replicated' | 'log-dir-offline' | 'log-dir-full' | 'certificate-expiring' | 'certificate-unreadable'

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
  /** Not failing yet: a disk past the warning level, a certificate within its warning days. */
  warnings: Problem[]
  logDirs: LogDirReport[]
  certificates: ListenerCertificate[]
  leaderImbalance: { partitions: number, leadersByBroker: Record<string, number> }
  partitions: number
}

export interface HealthOptions {
  /** A voter whose last catch-up is older than this, by the leader's clock, is lagging. */
  quorumLagMs: number
  logDirWarnRatio: number
  logDirFailRatio: number
  certificateWarnDays: number
  certificateFailDays: number
}

export const defaultHealthOptions: Readonly<HealthOptions> = Object.freeze({ quorumLagMs: 5_000, logDirWarnRatio: 0.8, logDirFailRatio: 0.9, certificateWarnDays: 30, certificateFailDays: 7 })

/** What health looks at beside the snapshot; left out, nothing is judged of it. */
export interface HealthExtras {
  logDirs?: readonly LogDirReport[]
  certificates?: readonly ListenerCertificate[]
  now?: number
}

const DAY_MS = 86_400_000

function judgeDisksAndCertificates (extras: HealthExtras, options: HealthOptions, problems: Problem[], warnings: Problem[]): void {
  for (const d of extras.logDirs ?? []) {
    if (d.usedRatio === null) continue
    const detail = `broker ${d.broker}'s log directory ${d.dir} is ${(d.usedRatio * 100).toFixed(1)}% full (${Math.round(d.usableBytes / 2 ** 20)} MiB free of ${Math.round(d.totalBytes / 2 ** 20)} MiB)`
    if (d.usedRatio >= options.logDirFailRatio) problems.push({ kind: 'log-dir-full', brokerId: d.broker, detail })
    else if (d.usedRatio >= options.logDirWarnRatio) warnings.push({ kind: 'log-dir-full', brokerId: d.broker, detail })
  }
  const now = extras.now ?? Date.now()
  for (const c of extras.certificates ?? []) {
    const where = `broker ${c.broker}'s ${c.listener} listener (${c.host}:${c.port})`
    if (c.notAfter === null) {
      warnings.push({ kind: 'certificate-unreadable', brokerId: c.broker, detail: `${where}: certificate could not be read: ${c.error ?? 'unknown'}` })
      continue
    }
    const days = (Date.parse(c.notAfter) - now) / DAY_MS
    const detail = days <= 0 ? `${where}: certificate expired ${c.notAfter}` : `${where}: certificate expires ${c.notAfter}, in ${days.toFixed(1)} days`
    if (days <= options.certificateFailDays) problems.push({ kind: 'certificate-expiring', brokerId: c.broker, detail })
    else if (days <= options.certificateWarnDays) warnings.push({ kind: 'certificate-expiring', brokerId: c.broker, detail })
  }
}

/** Voters caught up with the leader: the leader itself, and every voter within quorumLagMs. */
export function caughtUpVoters (snapshot: ClusterSnapshot, options: HealthOptions = defaultHealthOptions): number[] {
  return (snapshot.quorum?.voters ?? []).filter(v => v.lagMs !== null && v.lagMs <= options.quorumLagMs).map(v => v.id)
}

export function assessHealth (snapshot: ClusterSnapshot, options: HealthOptions = defaultHealthOptions, extras: HealthExtras = {}): HealthReport {
  const registered = new Map(snapshot.cluster.brokers.map(b => [b.id, b]))
  const problems: Problem[] = []
  const warnings: Problem[] = []
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
  judgeDisksAndCertificates(extras, options, problems, warnings)
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
    warnings,
    logDirs: [...(extras.logDirs ?? [])],
    certificates: [...(extras.certificates ?? [])],
    leaderImbalance: { partitions: snapshot.partitions.filter(p => p.leader >= 0 && p.leader !== p.replicas[0]).length, leadersByBroker },
    partitions: snapshot.partitions.length,
  }
}

/** The snapshot's judgement, with every live broker's disks and every TLS listener's certificate. */
export async function checkHealth (admin: ClusterAdmin, options: Partial<HealthOptions> & { expectedBrokers?: readonly number[] } = {}): Promise<HealthReport> {
  const snapshot = await takeSnapshot(admin, options.expectedBrokers)
  return assessHealth(snapshot, { ...defaultHealthOptions, ...options }, await healthExtras(admin, snapshot))
}

export async function healthExtras (admin: ClusterAdmin, snapshot: ClusterSnapshot): Promise<HealthExtras> {
  const [logDirs, certificates] = await Promise.all([
    logDirUsage(admin, snapshot.cluster.brokers),
    listenerCertificates(admin, snapshot.cluster.brokers).catch(() => []),
  ])
  return { logDirs, certificates }
}
