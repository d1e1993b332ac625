// The checker, with the anomaly definitions of Jepsen's Kafka analysis and Kafka's own system
// tests (ProduceConsumeValidateTest): lost (acknowledged, never read by the final drain from the
// earliest offset), duplicated (one value at two offsets), reordered (a later send of a producer
// at a lower offset than an earlier one, in one partition), inconsistent offsets (one offset read
// with two values, or a value read elsewhere than where it was acknowledged), aborted reads (a value
// read whose send definitely failed) and consumer skips (an offset the group never delivered
// between offsets it did). Recovery time is from the heal until every producer was acknowledged again.
import { checkSequences } from '@tackle/client/testkit'
import type { Episode, History, ReadOp } from './history.ts'

export interface CheckResult {
  sent: number
  acked: number
  failed: number
  indeterminate: number
  read: number
  lost: string[]
  duplicated: string[]
  reordered: string[]
  inconsistent: string[]
  abortedReads: string[]
  skipped: string[]
  recoveryMs: Array<number | null>
  valid: boolean
}

const position = (r: { partition: number, offset: bigint }) => `${r.partition}@${r.offset}`

/** Offsets the consumers should have delivered (within the range each partition was polled over) but never did. */
function consumerSkips (polls: History['polls'], final: readonly ReadOp[]): string[] {
  const polled = new Map<number, { min: bigint, max: bigint, seen: Set<bigint> }>()
  for (const p of polls) {
    const range = polled.get(p.partition) ?? { min: p.offset, max: p.offset, seen: new Set<bigint>() }
    if (p.offset < range.min) range.min = p.offset
    if (p.offset > range.max) range.max = p.offset
    range.seen.add(p.offset)
    polled.set(p.partition, range)
  }
  return final.filter(r => {
    const range = polled.get(r.partition)
    return range !== undefined && r.offset > range.min && r.offset < range.max && !range.seen.has(r.offset)
  }).map(r => `${r.value} at ${position(r)}`)
}

function recoveryMs (episode: Episode): number | null {
  return episode.recoveredAt === null ? null : Math.max(0, episode.recoveredAt - episode.healedAt)
}

export function check (history: History): CheckResult {
  const acked = history.sends.filter(s => s.outcome === 'ok' && s.partition !== undefined && s.offset !== undefined)
    .map(s => ({ value: s.value, partition: s.partition as number, offset: s.offset as bigint }))
  // What consumers polled counts as read too: a value they saw at an offset the final read holds
  // another value at is an inconsistent offset, the mark of a truncated, acknowledged write.
  const sequences = checkSequences(acked, [...history.final, ...history.polls])
  const finalValues = new Set(history.final.map(r => r.value))
  const lost = acked.filter(a => !finalValues.has(a.value)).map(a => `${a.value} acked at ${position(a)}`)
  const failed = new Set(history.sends.filter(s => s.outcome === 'failed').map(s => s.value))
  const abortedReads = [...new Set([...history.final, ...history.polls].filter(r => failed.has(r.value)).map(r => `${r.value} at ${position(r)}`))]
  const result = {
    sent: history.sends.length,
    acked: acked.length,
    failed: failed.size,
    indeterminate: history.sends.filter(s => s.outcome === 'indeterminate').length,
    read: history.final.length,
    lost,
    duplicated: sequences.duplicated.map(d => `${d.value} at ${d.positions.map(position).join(', ')}`),
    reordered: sequences.reordered.map(r => `${r.producer} sequence ${r.sequence} at ${r.partition}@${r.offset}, after ${r.after}`),
    inconsistent: sequences.inconsistent.map(i => `${i.partition}@${i.offset}: ${i.values.join(' / ')}`),
    abortedReads,
    skipped: consumerSkips(history.polls, history.final),
    recoveryMs: history.episodes.map(recoveryMs),
  }
  const valid = [result.lost, result.duplicated, result.reordered, result.inconsistent, result.abortedReads, result.skipped].every(list => list.length === 0)
  return { ...result, valid }
}
