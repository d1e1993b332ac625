import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { BrokerInfo, PartitionInfo } from '@tackle/client'
import { balanceMoves, band, brokerLoads, type BrokerLoad } from '../../src/reassign/balance-moves.ts'

const broker = (id: number, rack: string | null = null): BrokerInfo => ({ id, host: 'h', port: 9000 + id, rack })
const partition = (topic: string, index: number, replicas: number[]): PartitionInfo => ({ topic, partition: index, leader: replicas[0] ?? -1, replicas, isr: replicas, offlineReplicas: [] })

/** `count` partitions of RF `rf` laid out round-robin over `on`, as Kafka creates them. */
function topic (name: string, count: number, rf: number, on: readonly number[]): PartitionInfo[] {
  return Array.from({ length: count }, (_, i) => partition(name, i, Array.from({ length: rf }, (_, r) => on[(i + r) % on.length] as number)))
}

function within (loads: readonly BrokerLoad[], field: 'replicas' | 'leaders'): boolean {
  const { lower, upper } = band(loads.reduce((s, l) => s + l[field], 0) / loads.length, 0.1, true)
  return loads.every(l => l[field] >= lower && l[field] <= upper)
}

/** Replays the moves and checks each keeps its replication factor, has no broker twice, and lands on live brokers. */
function applied (partitions: readonly PartitionInfo[], moves: ReturnType<typeof balanceMoves>['moves'], live: readonly number[]): PartitionInfo[] {
  const byName = new Map(partitions.map(p => [`${p.topic}-${p.partition}`, p]))
  for (const m of moves) {
    const p = byName.get(`${m.topic}-${m.partition}`)
    assert.ok(p, `move of an unknown partition ${m.topic}-${m.partition}`)
    assert.deepEqual(m.from, p.replicas)
    assert.equal(m.to.length, m.from.length, 'replication factor kept')
    assert.equal(new Set(m.to).size, m.to.length, 'no broker twice')
    assert.ok(m.to.every(r => live.includes(r)), 'only live brokers')
    byName.set(`${m.topic}-${m.partition}`, { ...p, replicas: m.to, leader: m.to[0] as number })
  }
  return [...byName.values()]
}

test('balanceMoves should fill a newly added broker to its share of replicas and leaders, within 10% of the mean', () => {
  const brokers = [1, 2, 3, 4].map(id => broker(id))
  const partitions = [...topic('events', 12, 3, [1, 2, 3]), ...topic('orders', 6, 3, [1, 2, 3])]
  const plan = balanceMoves(partitions, brokers, new Map())
  assert.equal(plan.before.find(l => l.broker === 4)?.replicas, 0)
  const after = brokerLoads(applied(partitions, plan.moves, [1, 2, 3, 4]), brokers, new Map())
  assert.deepEqual(after, plan.after, 'the reported after is what the moves give')
  assert.ok(within(after, 'replicas'), `replicas even: ${JSON.stringify(after)}`)
  assert.ok(within(after, 'leaders'), `leaders even: ${JSON.stringify(after)}`)
  assert.ok((after.find(l => l.broker === 4)?.replicas ?? 0) >= 12, 'broker 4 holds its share (54 replicas / 4)')
  assert.deepEqual(plan.unmet, [])
})

test('balanceMoves should plan nothing for a balanced cluster', () => {
  const brokers = [1, 2, 3].map(id => broker(id))
  const plan = balanceMoves(topic('events', 9, 3, [1, 2, 3]), brokers, new Map())
  assert.deepEqual(plan.moves, [])
})

test('balanceMoves should never lower the number of racks a partition spans', () => {
  const brokers = [broker(1, 'a'), broker(2, 'b'), broker(3, 'c'), broker(4, 'a'), broker(5, 'b'), broker(6, 'c')]
  const partitions = topic('events', 24, 3, [1, 2, 3])
  const rackOf = new Map(brokers.map(b => [b.id, b.rack]))
  const plan = balanceMoves(partitions, brokers, new Map())
  assert.ok(plan.moves.length > 0)
  for (const m of plan.moves) assert.equal(new Set(m.to.map(r => rackOf.get(r))).size, 3, `${m.topic}-${m.partition} keeps three racks: ${m.to}`)
  assert.ok(within(plan.after, 'replicas'), JSON.stringify(plan.after))
})

test('balanceMoves should even out bytes on disk to within 10% of the mean', () => {
  const brokers = [1, 2, 3].map(id => broker(id))
  const mib = 2 ** 20
  const partitions = [partition('big', 0, [1]), partition('big', 1, [1]), partition('big', 2, [1]), partition('small', 0, [2])]
  const sizes = new Map([['big-0', 300 * mib], ['big-1', 300 * mib], ['big-2', 300 * mib], ['small-0', 1]])
  const plan = balanceMoves(partitions, brokers, sizes, { goals: ['disk'] })
  assert.deepEqual(plan.after.map(l => Math.round(l.bytes / mib)), [300, 300, 300])
  assert.deepEqual(plan.unmet, [])
})

test('balanceMoves should narrow the bytes by swaps where the replica counts must stay in their band', () => {
  const brokers = [1, 2, 3].map(id => broker(id))
  const partitions = [partition('big', 0, [1]), partition('big', 1, [1]), partition('small', 0, [2]), partition('small', 1, [3]), partition('small', 2, [2]), partition('small', 3, [3])]
  const mib = 2 ** 20
  const sizes = new Map([['big-0', 400 * mib], ['big-1', 300 * mib], ['small-0', 10 * mib], ['small-1', 10 * mib], ['small-2', 20 * mib], ['small-3', 20 * mib]])
  const plan = balanceMoves(partitions, brokers, sizes, { goals: ['replicas', 'disk'] })
  const spread = (loads: readonly BrokerLoad[]) => Math.max(...loads.map(l => l.bytes)) - Math.min(...loads.map(l => l.bytes))
  // Two partitions per broker is the band, so the two big ones must sit on two brokers: 370 MiB apart at best.
  assert.ok(spread(plan.after) <= 390 * mib && spread(plan.after) < spread(plan.before), `${spread(plan.before) / mib} → ${spread(plan.after) / mib} MiB`)
  assert.deepEqual(plan.after.map(l => l.replicas), [2, 2, 2])
})

test('balanceMoves should change at most maxMoves partitions and say which goal it left unmet', () => {
  const brokers = [1, 2, 3, 4].map(id => broker(id))
  const partitions = topic('events', 30, 3, [1, 2, 3])
  const plan = balanceMoves(partitions, brokers, new Map(), { maxMoves: 3 })
  assert.equal(plan.moves.length, 3)
  assert.ok(plan.unmet.some(u => u.goal === 'replicas' && /max-moves/.test(u.reason)), JSON.stringify(plan.unmet))
})

test('balanceMoves should leave partitions without a leader, or with a replica on a dead broker, alone', () => {
  const brokers = [1, 2, 3].map(id => broker(id))
  const offline = { ...partition('x', 0, [1, 2]), leader: -1 }
  const onDead = partition('x', 1, [1, 9])
  const plan = balanceMoves([offline, onDead, ...topic('y', 6, 1, [1])], brokers, new Map())
  assert.ok(plan.moves.every(m => m.topic === 'y'), JSON.stringify(plan.moves))
})

test('balanceMoves should keep every move valid and the counts in band on random clusters', () => {
  let seed = 7
  const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  for (let round = 0; round < 50; round++) {
    const n = 3 + Math.floor(random() * 5)
    const brokers = Array.from({ length: n }, (_, i) => broker(i + 1, random() < 0.5 ? null : `r${i % 3}`))
    const old = brokers.slice(0, Math.max(3, n - 1 - Math.floor(random() * 2))).map(b => b.id)
    const partitions = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, t) => topic(`t${t}`, 1 + Math.floor(random() * 20), 1 + Math.floor(random() * Math.min(3, old.length)), old)).flat()
    const sizes = new Map(partitions.map(p => [`${p.topic}-${p.partition}`, Math.floor(random() * 50 * 2 ** 20)]))
    const plan = balanceMoves(partitions, brokers, sizes)
    const after = brokerLoads(applied(partitions, plan.moves, brokers.map(b => b.id)), brokers, sizes)
    assert.deepEqual(after, plan.after)
    if (!plan.unmet.some(u => u.goal === 'replicas')) assert.ok(within(after, 'replicas'), `round ${round}: ${JSON.stringify(after)}`)
    const racksOf = (rs: readonly number[]) => new Set(rs.map(r => brokers.find(b => b.id === r)?.rack).filter(r => r != null)).size
    for (const m of plan.moves) assert.ok(racksOf(m.to) >= racksOf(m.from), `round ${round}: ${m.topic}-${m.partition} lost a rack`)
  }
})
