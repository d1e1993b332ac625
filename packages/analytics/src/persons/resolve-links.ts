// Identity links → persons, by PostHog's merge rules (its ingestion's person merge: identify,
// alias and merge_dangerously), replayed in event-time order so the result depends only on which
// links were stored, never on the order the processors saw them:
// - equal ids change nothing (an identify of one id marks its person identified);
// - an illegal id (illegal-ids.ts) never merges;
// - the other id's person is merged into the into-id's person, unless the other person is
//   already identified: then identify and alias refuse, with the reason recorded, and only
//   $merge_dangerously merges;
// - an id not yet in a person joins the other's person.
// Ties in time are broken by message id, then write key, so every replay sorts alike.
import type { IdentityLink } from '@tackle/pipeline'
import { isIllegalId } from './illegal-ids.ts'

/** A stored identity link, its event time in milliseconds. */
export type Link = Omit<IdentityLink, 'timestamp'> & { timeMs: number }

export interface Refusal {
  link: Link
  reason: string
}

export interface Resolution {
  /** Every id the links name, with the person it belongs to (a person's id is one of its ids). */
  personOf: Map<string, string>
  identified: Set<string>
  refusals: Refusal[]
}

interface Person {
  id: string
  ids: Set<string>
  identified: boolean
}

export function compareLinks (a: Link, b: Link): number {
  return a.timeMs - b.timeMs || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0) || (a.writeKey < b.writeKey ? -1 : a.writeKey > b.writeKey ? 1 : 0)
}

export function resolveLinks (links: readonly Link[]): Resolution {
  const persons = new Map<string, Person>()
  const refusals: Refusal[] = []
  const create = (id: string): Person => {
    const person = { id, ids: new Set([id]), identified: false }
    persons.set(id, person)
    return person
  }
  for (const link of [...links].sort(compareLinks)) {
    const illegal = [link.intoId, link.otherId].find(id => id !== null && isIllegalId(id))
    if (illegal !== undefined) {
      refusals.push({ link, reason: `${JSON.stringify(illegal)} is a generic id that is never merged` })
      continue
    }
    const other = link.otherId
    const into = persons.get(link.intoId)
    if (other === null || other === link.intoId) {
      (into ?? create(link.intoId)).identified = true
      continue
    }
    const from = persons.get(other)
    if (!into && !from) {
      const person = create(link.intoId)
      person.ids.add(other)
      persons.set(other, person)
      person.identified = true
    } else if (!into && from) {
      from.ids.add(link.intoId)
      persons.set(link.intoId, from)
      from.identified = true
    } else if (into && !from) {
      into.ids.add(other)
      persons.set(other, into)
      into.identified = true
    } else if (into && from && into !== from) {
      if (from.identified && link.kind !== 'merge') {
        refusals.push({ link, reason: `${JSON.stringify(other)} belongs to a person already identified (${JSON.stringify(from.id)}), and ${JSON.stringify(link.intoId)} to another; only $merge_dangerously merges two identified persons` })
        continue
      }
      for (const id of from.ids) {
        into.ids.add(id)
        persons.set(id, into)
      }
      into.identified = true
    } else if (into) {
      into.identified = true
    }
  }
  const personOf = new Map<string, string>()
  const identified = new Set<string>()
  for (const [id, person] of persons) {
    personOf.set(id, person.id)
    if (person.identified) identified.add(person.id)
  }
  return { personOf, identified, refusals }
}
