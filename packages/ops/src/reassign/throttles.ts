// Replication throttles for a reassignment, as Kafka's kafka-reassign-partitions sets them: a rate
// on each broker that sends or receives the moving replicas, and on each moving topic the replicas
// that rate applies to (leader side: the current replicas, which serve the copy; follower side: the
// new ones). Only the brokers and replicas involved are throttled, never a dead broker, and at the
// end every value is put back as it was and read back to prove it.
import { setTimeout as sleep } from 'node:timers/promises'
import type { ClusterAdmin, ConfigEntry } from '@tackle/client'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { moveEnds, type Move } from './plan-moves.ts'

export const BROKER_RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] as const
export const TOPIC_REPLICA_KEYS = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] as const

export interface ThrottlePlan {
  bytesPerSec: number
  /** Live brokers that get the rate. */
  brokers: number[]
  /** Per topic, the value each replica key gets. */
  topics: Record<string, Record<(typeof TOPIC_REPLICA_KEYS)[number], string>>
}

/** What the topics' keys held before, so that cleanup restores rather than deletes someone else's value. */
export type PreviousTopicThrottles = Record<string, Record<string, string | null>>

function merge (previous: string | null | undefined, entries: readonly string[]): string {
  const kept = previous ? previous.split(',').filter(Boolean) : []
  return [...new Set([...kept, ...entries])].join(',')
}

export function planThrottles (moves: readonly Move[], liveBrokers: readonly number[], bytesPerSec: number, previous: PreviousTopicThrottles = {}): ThrottlePlan {
  const brokers = new Set<number>()
  const entries = new Map<string, { leader: string[], follower: string[] }>()
  for (const move of moves) {
    const { adding } = moveEnds(move)
    if (adding.length === 0) continue
    const topic = entries.get(move.topic) ?? { leader: [], follower: [] }
    for (const r of move.from) topic.leader.push(`${move.partition}:${r}`)
    for (const r of adding) topic.follower.push(`${move.partition}:${r}`)
    entries.set(move.topic, topic)
    for (const r of [...move.from, ...adding]) if (liveBrokers.includes(r)) brokers.add(r)
  }
  const topics: ThrottlePlan['topics'] = {}
  for (const [name, { leader, follower }] of entries) {
    topics[name] = {
      'leader.replication.throttled.replicas': merge(previous[name]?.['leader.replication.throttled.replicas'], leader),
      'follower.replication.throttled.replicas': merge(previous[name]?.['follower.replication.throttled.replicas'], follower),
    }
  }
  return { bytesPerSec, brokers: [...brokers].sort((a, b) => a - b), topics }
}

/** The replica keys each topic holds as its own setting now (null where it has none). */
export async function currentTopicThrottles (admin: ClusterAdmin, topics: readonly string[]): Promise<PreviousTopicThrottles> {
  const configs = await admin.configEntries('topic', topics)
  const own = (entry: ConfigEntry | undefined) => entry?.source === 'topic' && entry.value ? entry.value : null
  return Object.fromEntries(topics.map(t => [t, Object.fromEntries(TOPIC_REPLICA_KEYS.map(k => [k, own(configs.get(t)?.get(k))]))]))
}

export async function applyThrottles (admin: ClusterAdmin, plan: ThrottlePlan): Promise<void> {
  for (const [topic, values] of Object.entries(plan.topics)) await admin.alterConfigs('topic', topic, values)
  const rate = String(Math.round(plan.bytesPerSec))
  for (const id of plan.brokers) await admin.alterConfigs('broker', String(id), Object.fromEntries(BROKER_RATE_KEYS.map(k => [k, rate])))
}

/** Puts every key back as it was; brokers that are gone now are skipped (their config went with them). */
export async function removeThrottles (admin: ClusterAdmin, plan: ThrottlePlan, previous: PreviousTopicThrottles): Promise<void> {
  for (const topic of Object.keys(plan.topics)) {
    await admin.alterConfigs('topic', topic, Object.fromEntries(TOPIC_REPLICA_KEYS.map(k => [k, previous[topic]?.[k] ?? null])))
  }
  const live = new Set((await admin.describeCluster()).brokers.map(b => b.id))
  for (const id of plan.brokers.filter(b => live.has(b))) {
    await admin.alterConfigs('broker', String(id), Object.fromEntries(BROKER_RATE_KEYS.map(k => [k, null])))
  }
}

/**
 * How the throttles differ from what they should be: every key of the plan set ('set'), or every
 * key back as it was before ('cleared'). Read back with describe configs; empty when they match.
 */
export async function throttleDifferences (admin: ClusterAdmin, plan: ThrottlePlan, previous: PreviousTopicThrottles, want: 'set' | 'cleared'): Promise<string[]> {
  const differences: string[] = []
  const topics = await admin.configEntries('topic', Object.keys(plan.topics))
  for (const [topic, configs] of topics) {
    for (const key of TOPIC_REPLICA_KEYS) {
      const entry = configs.get(key)
      const now = entry?.source === 'topic' && entry.value ? entry.value : null
      const expected = want === 'set' ? plan.topics[topic]?.[key] ?? null : previous[topic]?.[key] ?? null
      if (now !== expected) differences.push(`topic ${topic}: ${key}=${now}`)
    }
  }
  const live = new Set((await admin.describeCluster()).brokers.map(b => b.id))
  const brokers = await admin.configEntries('broker', plan.brokers.filter(b => live.has(b)).map(String))
  const rate = String(Math.round(plan.bytesPerSec))
  for (const [id, configs] of brokers) {
    for (const key of BROKER_RATE_KEYS) {
      const entry = configs.get(key)
      const now = entry?.source === 'broker' ? entry.value : null
      if (now !== (want === 'set' ? rate : null)) differences.push(`broker ${id}: ${key}=${now}`)
    }
  }
  return differences
}

/** Every throttle of the plan still in place; empty when clean. */
export function leftoverThrottles (admin: ClusterAdmin, plan: ThrottlePlan, previous: PreviousTopicThrottles): Promise<string[]> {
  return throttleDifferences(admin, plan, previous, 'cleared')
}

/**
 * Waits until each broker reports the throttles as wanted. A broker applies a config change once
 * the controller's metadata reaches it, so its answer can lag the change by a moment.
 */
async function settle (admin: ClusterAdmin, plan: ThrottlePlan, previous: PreviousTopicThrottles, want: 'set' | 'cleared', timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let differences = await throttleDifferences(admin, plan, previous, want)
  while (differences.length > 0 && Date.now() < deadline) {
    await sleep(250)
    differences = await throttleDifferences(admin, plan, previous, want)
  }
  return differences
}

/** Sets the throttles and waits until every broker involved reports them, so no move starts unthrottled. */
export async function applyThrottlesVerified (admin: ClusterAdmin, plan: ThrottlePlan, previous: PreviousTopicThrottles): Promise<void> {
  await applyThrottles(admin, plan)
  const missing = await settle(admin, plan, previous, 'set')
  if (missing.length > 0) throw new OpsError(OpsErrorCodes.THROTTLE_LEFT, `throttles did not take effect: ${missing.join('; ')}`, { canRetry: true })
}

export async function removeThrottlesVerified (admin: ClusterAdmin, plan: ThrottlePlan, previous: PreviousTopicThrottles): Promise<void> {
  await removeThrottles(admin, plan, previous)
  const left = await settle(admin, plan, previous, 'cleared')
  if (left.length > 0) throw new OpsError(OpsErrorCodes.THROTTLE_LEFT, `throttles are still set after removing them: ${left.join('; ')}`, { canRetry: true })
}
