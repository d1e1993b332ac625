import assert from 'node:assert/strict'
import { test } from 'node:test'
import { planThrottles } from '../../src/reassign/throttles.ts'

test('planThrottles should throttle the current replicas as leaders and the new ones as followers, on live brokers only', () => {
  const plan = planThrottles([{ topic: 't', partition: 0, from: [3, 1, 2], to: [4, 1, 2] }, { topic: 't', partition: 1, from: [1, 2, 5], to: [1, 2, 5] }], [1, 2, 4, 5], 1000)
  assert.deepEqual(plan.topics, { t: { 'leader.replication.throttled.replicas': '0:3,0:1,0:2', 'follower.replication.throttled.replicas': '0:4' } })
  assert.deepEqual(plan.brokers, [1, 2, 4], 'dead broker 3 gets no config; broker 5 takes no part')
})

test('planThrottles should keep throttled replicas a topic had before', () => {
  const plan = planThrottles([{ topic: 't', partition: 0, from: [1], to: [2] }], [1, 2], 1000, { t: { 'leader.replication.throttled.replicas': '7:1', 'follower.replication.throttled.replicas': null } })
  assert.equal(plan.topics.t?.['leader.replication.throttled.replicas'], '7:1,0:1')
})
