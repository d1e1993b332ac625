// `tackle audit`: every topic and cluster default weaker than the settings that keep acknowledged
// writes (Jepsen's Kafka analysis): replication factor 3, min.insync.replicas 2 and below the
// replication factor, no unclean leader election. --fix repairs what can be repaired online: topic
// and cluster-wide configs by incremental alter configs, a low replication factor by a throttled
// reassignment, always raising the replication factor before min.insync.replicas so that a topic
// never stops taking writes halfway through. Static broker settings can only be reported.
import { safeTopicSettings, topicWeaknesses, type ClusterAdmin, type ConfigEntry } from '@tackle/client'
import { alterConfigsConfirmed } from '../confirm-configs.ts'
import { executeMoves, type ReassignInput, type ReassignResult } from '../reassign/execute-moves.ts'
import { raiseReplicationMoves, replicaCounts } from '../reassign/plan-moves.ts'

export interface AuditFinding {
  scope: 'topic' | 'cluster'
  /** Null for a cluster default. */
  topic: string | null
  setting: string
  value: string | null
  wanted: string
  problem: string
  /** How --fix repairs it: a config change, a throttled reassignment, or only by hand in server.properties. */
  fix: 'config' | 'reassign' | 'manual'
}

export interface AuditReport {
  brokers: number
  topicsChecked: number
  findings: AuditFinding[]
}

export interface AuditOptions {
  admin: ClusterAdmin
  /** Only these topics; all, internal ones included, when undefined. */
  topics?: readonly string[]
}

interface ClusterDefault {
  setting: string
  wanted: (brokers: number) => string
  weak: (value: string, wanted: string) => boolean
  why: string
}

const lessThan = (value: string, wanted: string) => Number(value) < Number(wanted)

const CLUSTER_DEFAULTS: readonly ClusterDefault[] = [
  { setting: 'default.replication.factor', wanted: n => String(safeTopicSettings(n).replicationFactor), weak: lessThan, why: 'topics created without a replication factor get' },
  { setting: 'min.insync.replicas', wanted: n => String(safeTopicSettings(n).minInsyncReplicas), weak: lessThan, why: 'topics without their own setting acknowledge writes held by' },
  { setting: 'unclean.leader.election.enable', wanted: () => 'false', weak: value => value === 'true', why: 'an out-of-sync replica may become leader and drop acknowledged records:' },
  { setting: 'offsets.topic.replication.factor', wanted: n => String(safeTopicSettings(n).replicationFactor), weak: lessThan, why: 'consumer offsets are kept on' },
  { setting: 'transaction.state.log.replication.factor', wanted: n => String(safeTopicSettings(n).replicationFactor), weak: lessThan, why: 'transaction state is kept on' },
  { setting: 'transaction.state.log.min.isr', wanted: n => String(safeTopicSettings(n).minInsyncReplicas), weak: lessThan, why: 'transaction state writes are acknowledged by' },
]

/** Broker settings Kafka lets an admin change cluster-wide while running; the rest live in server.properties. */
const DYNAMIC_CLUSTER_SETTINGS = new Set(['min.insync.replicas', 'unclean.leader.election.enable'])

function clusterFindings (configs: ReadonlyMap<string, ConfigEntry>, brokers: number): AuditFinding[] {
  return CLUSTER_DEFAULTS.flatMap(check => {
    const value = configs.get(check.setting)?.value ?? null
    const wanted = check.wanted(brokers)
    if (value === null || !check.weak(value, wanted)) return []
    return [{ scope: 'cluster', topic: null, setting: check.setting, value, wanted, problem: `cluster default ${check.setting}=${value}: ${check.why} ${value}`, fix: DYNAMIC_CLUSTER_SETTINGS.has(check.setting) ? 'config' : 'manual' }] satisfies AuditFinding[]
  })
}

export async function auditConfig (options: AuditOptions): Promise<AuditReport> {
  const { admin } = options
  const cluster = await admin.describeCluster()
  const brokers = cluster.brokers.length
  const partitions = await admin.partitions(options.topics)
  const topics = [...new Set(partitions.map(p => p.topic))]
  const configs = await admin.configEntries('topic', topics)
  const findings: AuditFinding[] = []
  for (const topic of topics) {
    const replicationFactor = Math.min(...partitions.filter(p => p.topic === topic).map(p => p.replicas.length))
    const values = new Map([...configs.get(topic) ?? []].map(([k, e]) => [k, e.value]))
    const weaknesses = topicWeaknesses(replicationFactor, values, brokers)
    // A low replication factor can be named twice (below 3, and not above min ISR): one repair.
    const rf = weaknesses.filter(w => w.setting === 'replication.factor')
    if (rf.length > 0) {
      findings.push({ scope: 'topic', topic, setting: 'replication.factor', value: String(replicationFactor), wanted: String(Math.max(...rf.map(w => Number(w.wanted)))), problem: rf.map(w => w.problem).join('; '), fix: 'reassign' })
    }
    for (const w of weaknesses.filter(w => w.setting !== 'replication.factor')) findings.push({ scope: 'topic', topic, ...w, fix: 'config' })
  }
  const first = cluster.brokers[0]
  if (first) findings.push(...clusterFindings((await admin.configEntries('broker', [String(first.id)])).get(String(first.id)) ?? new Map(), brokers))
  return { brokers, topicsChecked: topics.length, findings }
}

export interface FixResult {
  fixed: AuditFinding[]
  /** Findings only a person can fix (static broker settings). */
  manual: AuditFinding[]
  reassignment: ReassignResult | null
}

/** Repairs the findings: replication factors first (throttled, resumable), then configs. */
export async function fixAudit (findings: readonly AuditFinding[], options: ReassignInput): Promise<FixResult> {
  const { admin } = options
  const raise = findings.filter(f => f.fix === 'reassign' && f.topic !== null)
  let reassignment: ReassignResult | null = null
  if (raise.length > 0) {
    const wanted = new Map(raise.map(f => [f.topic as string, Number(f.wanted)]))
    const purpose = `raise the replication factor of ${[...wanted.keys()].join(', ')}`
    reassignment = await executeMoves(purpose, async () => {
      const [cluster, all] = await Promise.all([admin.describeCluster(), admin.partitions()])
      const load = replicaCounts(all, cluster.brokers)
      return [...wanted].flatMap(([topic, rf]) => raiseReplicationMoves(all.filter(p => p.topic === topic), rf, cluster.brokers, load))
    }, [], options)
  }
  const configFixes = findings.filter(f => f.fix === 'config')
  const perTarget = new Map<string, Record<string, string>>()
  for (const f of configFixes) perTarget.set(f.topic ?? '', { ...perTarget.get(f.topic ?? ''), [f.setting]: f.wanted })
  const anyBroker = String((await admin.describeCluster()).brokers[0]?.id ?? '')
  for (const [target, changes] of perTarget) {
    await alterConfigsConfirmed(admin, target === '' ? 'broker' : 'topic', target, changes, { readFrom: target === '' ? anyBroker : target })
  }
  return { fixed: [...raise, ...configFixes], manual: findings.filter(f => f.fix === 'manual'), reassignment }
}
