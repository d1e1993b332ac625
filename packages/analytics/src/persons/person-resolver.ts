// Keeps person_ids (distinct id → person) in step with the stored identity links. A pending link
// pulls in its whole component (every link that shares an id with it, transitively, not passing
// through illegal ids), the component is replayed by resolve-links.ts, and its ids are rewritten
// in one transaction. A late link (an identify whose event time is earlier than links already
// resolved) is thus folded in exactly as if it had arrived first. Queries call resolvePending()
// before they run, and a timer calls it in between, so a merge counts as soon as it is stored.
import type { EventStore, Row, Statement } from '@tackle/pipeline'
import { isIllegalId } from './illegal-ids.ts'
import { resolveLinks, type Link } from './resolve-links.ts'
import { chunks, placeholders } from '../sql-lists.ts'

const KEY_SEPARATOR = '\u001f'
const keyOf = (link: Pick<Link, 'writeKey' | 'messageId'>) => `${link.writeKey}${KEY_SEPARATOR}${link.messageId}`

export interface PersonResolverOptions {
  /** Pending links taken per round. */
  batchLinks?: number
  /** A component past this many ids stops growing (a runaway id shared by everyone). */
  maxComponentIds?: number
}

export class PersonResolver {
  readonly #store: EventStore
  readonly #batchLinks: number
  readonly #maxIds: number
  #running: Promise<number> | undefined

  constructor (store: EventStore, options: PersonResolverOptions = {}) {
    this.#store = store
    this.#batchLinks = options.batchLinks ?? 2_000
    this.#maxIds = options.maxComponentIds ?? 50_000
  }

  /** Resolves every pending link; concurrent calls share one run. Returns the links resolved. */
  resolvePending (): Promise<number> {
    this.#running ??= this.#resolveAll().finally(() => { this.#running = undefined })
    return this.#running
  }

  async #resolveAll (): Promise<number> {
    let total = 0
    for (;;) {
      const pending = (await this.#store.query(`SELECT ${LINK_COLUMNS(this.#store)} FROM identity_links WHERE NOT resolved LIMIT ${this.#batchLinks}`, [])).map(rowToLink)
      if (pending.length === 0) return total
      const component = await this.#component(pending)
      await this.#store.transaction(this.#rewrite(component, pending))
      total += pending.length
    }
  }

  async #component (seed: readonly Link[]): Promise<{ links: Map<string, Link>, ids: Set<string> }> {
    const links = new Map(seed.map(l => [keyOf(l), l]))
    const ids = new Set<string>()
    let frontier = idsOf(seed)
    while (frontier.length > 0 && ids.size < this.#maxIds) {
      for (const id of frontier) ids.add(id)
      const next = new Set<string>()
      for (const chunk of chunks(frontier)) {
        const rows = await this.#store.query(`SELECT ${LINK_COLUMNS(this.#store)} FROM identity_links WHERE into_id IN (${placeholders(chunk.length)}) OR other_id IN (${placeholders(chunk.length)})`, chunk)
        for (const link of rows.map(rowToLink)) {
          links.set(keyOf(link), link)
          for (const id of idsOf([link])) if (!ids.has(id)) next.add(id)
        }
      }
      frontier = [...next]
    }
    return { links, ids }
  }

  #rewrite (component: { links: Map<string, Link>, ids: Set<string> }, pending: readonly Link[]): Statement[] {
    const { personOf, refusals } = resolveLinks([...component.links.values()])
    const ids = [...component.ids]
    const statements: Statement[] = []
    for (const chunk of chunks(ids)) statements.push({ sql: `DELETE FROM person_ids WHERE distinct_id IN (${placeholders(chunk.length)})`, params: chunk })
    for (const chunk of chunks([...personOf])) {
      // A resolver in another process may have written the same ids meanwhile: the same answer, kept.
      statements.push({ sql: `INSERT INTO person_ids (distinct_id, person_id) VALUES ${chunk.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ')} ON CONFLICT (distinct_id) DO UPDATE SET person_id = excluded.person_id`, params: chunk.flat() })
    }
    const keys = [...component.links.keys()]
    for (const chunk of chunks(keys)) statements.push({ sql: `DELETE FROM identity_refusals WHERE write_key || '${KEY_SEPARATOR}' || message_id IN (${placeholders(chunk.length)})`, params: chunk })
    for (const chunk of chunks(refusals, 200)) {
      statements.push({
        sql: `INSERT INTO identity_refusals (write_key, message_id, reason, into_id, other_id, timestamp) VALUES ${chunk.map((_, i) => `(${placeholders(5, 6 * i + 1)}, $${6 * i + 6}::TIMESTAMPTZ)`).join(', ')} ON CONFLICT DO NOTHING`,
        params: chunk.flatMap(r => [r.link.writeKey, r.link.messageId, r.reason, r.link.intoId, r.link.otherId, new Date(r.link.timeMs).toISOString()]),
      })
    }
    // Only the links read are marked: one stored meanwhile stays pending for the next round.
    for (const chunk of chunks(pending.map(keyOf))) {
      statements.push({ sql: `UPDATE identity_links SET resolved = true WHERE NOT resolved AND write_key || '${KEY_SEPARATOR}' || message_id IN (${placeholders(chunk.length)})`, params: chunk })
    }
    return statements
  }
}

const LINK_COLUMNS = (store: EventStore) => `write_key, message_id, kind, into_id, other_id, ${store.dialect.epochMs('timestamp')} AS time_ms`

function rowToLink (row: Row): Link {
  return {
    writeKey: String(row.write_key),
    messageId: String(row.message_id),
    kind: row.kind as Link['kind'],
    intoId: String(row.into_id),
    otherId: row.other_id === null || row.other_id === undefined ? null : String(row.other_id),
    timeMs: Number(row.time_ms),
  }
}

/** The ids a component grows through: an illegal id joins nothing, so it spreads nothing. */
function idsOf (links: readonly Link[]): string[] {
  const ids = new Set<string>()
  for (const link of links) {
    for (const id of [link.intoId, link.otherId]) if (id !== null && !isIllegalId(id)) ids.add(id)
  }
  return [...ids]
}
