// The event names seen in the last 30 days, most frequent first: what the insights form offers.
import type { EventStore } from '@tackle/pipeline'

export async function eventNames (store: EventStore, nowMs = Date.now(), limit = 200): Promise<Array<{ event: string, count: number }>> {
  const rows = await store.query(`SELECT event, count(*) AS n FROM events WHERE event IS NOT NULL AND timestamp >= $1::TIMESTAMPTZ GROUP BY event ORDER BY 2 DESC, 1 LIMIT ${Math.max(1, Math.min(limit, 1000))}`, [new Date(nowMs - 30 * 86_400_000).toISOString()])
  return rows.map(r => ({ event: String(r.event), count: Number(r.n) }))
}
