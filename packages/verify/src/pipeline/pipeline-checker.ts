// The pipeline target's checker: the store audited against what the clients sent and were told.
// An event answered 2xx must be stored exactly once (lost otherwise); every event at most once
// (duplicated); after the clients' retries every valid event sent is stored exactly once
// (unstored otherwise: sent, never acknowledged, never stored); every poison or rejected event is
// in failed_events with a reason (unrecorded otherwise) and not in the store; nothing else is in
// the store (stray). Late rows: per episode, from the fault's start to the last row stored of
// the events first sent while it was held.
import type { Episode } from '../history.ts'
import type { SentEvent } from './http-workload.ts'

export interface StoreAudit {
  stored: ReadonlyArray<{ messageId: string, storedAt: string }>
  failed: ReadonlyArray<{ messageId: string, step: string, reason: string }>
}

export interface PipelineCheck {
  sent: number
  acknowledged: number
  rejected: number
  poison: number
  stored: number
  lost: string[]
  duplicated: string[]
  unstored: string[]
  stray: string[]
  unrecorded: string[]
  /** Valid events the collector rejected: a collector that refuses good input is broken too. */
  wronglyRejected: string[]
  /** Per episode: ms from the fault's start to the last row of the events sent while it was held; null when none were. */
  lastRowMs: Array<number | null>
  valid: boolean
}

export function checkPipeline (events: readonly SentEvent[], audit: StoreAudit, episodes: readonly Episode[]): PipelineCheck {
  const storedCount = new Map<string, number>()
  const storedAt = new Map<string, number>()
  for (const row of audit.stored) {
    storedCount.set(row.messageId, (storedCount.get(row.messageId) ?? 0) + 1)
    storedAt.set(row.messageId, Math.max(storedAt.get(row.messageId) ?? 0, Date.parse(row.storedAt)))
  }
  const recorded = new Set(audit.failed.filter(f => f.reason.trim() !== '').map(f => f.messageId))
  const byId = new Map(events.map(e => [e.id, e]))
  const valid = events.filter(e => e.kind === 'valid')
  const describe = (e: SentEvent) => `${e.id}${e.poison ? ` (${e.poison})` : ''}`
  const result = {
    sent: events.length,
    acknowledged: valid.filter(e => e.ackedAt !== undefined).length,
    rejected: events.filter(e => e.rejected !== undefined).length,
    poison: events.length - valid.length,
    stored: audit.stored.length,
    lost: valid.filter(e => e.ackedAt !== undefined && !storedCount.has(e.id)).map(describe),
    duplicated: [...storedCount].filter(([, n]) => n > 1).map(([id, n]) => `${id} stored ${n} times`),
    unstored: valid.filter(e => e.ackedAt === undefined && !storedCount.has(e.id)).map(describe),
    stray: [...storedCount.keys()].filter(id => byId.get(id)?.kind !== 'valid').map(id => byId.has(id) ? `${describe(byId.get(id) as SentEvent)} is poison, yet stored` : `${id} was never sent`),
    unrecorded: events.filter(e => (e.kind === 'poison' || e.rejected !== undefined) && !recorded.has(e.id)).map(describe),
    wronglyRejected: valid.filter(e => e.rejected !== undefined).map(e => `${e.id}: ${e.rejected}`),
    lastRowMs: episodes.map(episode => {
      let last = -Infinity
      for (const e of valid) {
        if (e.firstSentAt < episode.startedAt || e.firstSentAt > episode.healedAt) continue
        const at = storedAt.get(e.id)
        if (at !== undefined && at > last) last = at
      }
      return last === -Infinity ? null : last - episode.startedAt
    }),
  }
  const anomalies = [result.lost, result.duplicated, result.unstored, result.stray, result.unrecorded, result.wronglyRejected]
  return { ...result, valid: anomalies.every(list => list.length === 0) }
}
