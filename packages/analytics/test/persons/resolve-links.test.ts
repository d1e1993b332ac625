import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveLinks, type Link } from '../../src/persons/resolve-links.ts'

let n = 0
const link = (kind: Link['kind'], intoId: string, otherId: string | null, timeMs: number): Link => ({ writeKey: 'wk', messageId: `m${String(++n).padStart(4, '0')}`, kind, intoId, otherId, timeMs })

function permutations<T> (items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(rest => [item, ...rest]))
}

const groups = (personOf: Map<string, string>) => {
  const byPerson = new Map<string, string[]>()
  for (const [id, person] of personOf) byPerson.set(person, [...(byPerson.get(person) ?? []), id].sort())
  return [...byPerson.values()].map(ids => ids.join(',')).sort()
}

test('resolveLinks should give the same persons whatever order the links arrive in', () => {
  const links = [
    link('identify', 'alice', 'anon-1', 1_000),
    link('identify', 'alice', 'anon-2', 2_000),
    link('identify', 'bob', 'anon-3', 3_000),
    // anon-2 already belongs to identified alice: bob's identify of it is refused.
    link('identify', 'bob', 'anon-2', 4_000),
    link('alias', 'alice', 'alice-old', 5_000),
  ]
  const expected = resolveLinks(links)
  assert.deepEqual(groups(expected.personOf), ['alice,alice-old,anon-1,anon-2', 'anon-3,bob'])
  assert.equal(expected.refusals.length, 1)
  for (const order of permutations(links)) {
    const got = resolveLinks(order)
    assert.deepEqual(groups(got.personOf), groups(expected.personOf))
    assert.deepEqual([...got.personOf].sort(), [...expected.personOf].sort())
    assert.deepEqual(got.refusals.map(r => r.link.messageId), expected.refusals.map(r => r.link.messageId))
  }
})

test('resolveLinks should refuse to merge two identified persons by identify or alias, saying why, and merge them by $merge_dangerously', () => {
  const identified = [link('identify', 'u1', 'a1', 1), link('identify', 'u2', 'a2', 2)]
  const refused = resolveLinks([...identified, link('alias', 'u1', 'u2', 3), link('identify', 'u1', 'a2', 4)])
  assert.deepEqual(groups(refused.personOf), ['a1,u1', 'a2,u2'])
  assert.equal(refused.refusals.length, 2)
  assert.match(refused.refusals[0]?.reason as string, /already identified.*only \$merge_dangerously/)
  const merged = resolveLinks([...identified, link('merge', 'u1', 'u2', 3)])
  assert.deepEqual(groups(merged.personOf), ['a1,a2,u1,u2'])
  assert.equal(merged.personOf.get('a2'), 'u1')
})

test('resolveLinks should never merge through an illegal id, and should do nothing for equal ids', () => {
  const got = resolveLinks([link('identify', 'u1', 'anonymous', 1), link('identify', 'u2', 'anonymous', 2), link('alias', 'null', 'u3', 3), link('alias', 'u4', 'u4', 4)])
  // A refused link makes no person: u1 and u2 stay ids of their own, never identified by it.
  assert.deepEqual(groups(got.personOf), ['u4'])
  assert.deepEqual(got.refusals.map(r => r.reason), ['"anonymous" is a generic id that is never merged', '"anonymous" is a generic id that is never merged', '"null" is a generic id that is never merged'])
  assert.ok(got.identified.has('u4'))
})

test('resolveLinks should let an anonymous person join an identified one, and an id not seen before join the other id\'s person', () => {
  // A second device's anonymous id identifies as the same user: merged, the user is identified.
  const got = resolveLinks([link('identify', 'u1', 'phone', 1), link('identify', 'u1', 'laptop', 2), link('alias', 'u1-new-email', 'u1', 3)])
  assert.deepEqual(groups(got.personOf), ['laptop,phone,u1,u1-new-email'])
  assert.ok(got.identified.has('u1'))
})
