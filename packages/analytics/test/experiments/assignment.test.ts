import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assignVariant, flagHash } from '../../src/experiments/assignment.ts'
import { MULTIVARIATE_55, SIMPLE_FLAG_45 } from './posthog-flag-vectors.ts'

test('flagHash should reproduce PostHog\'s hash of a flag key and distinct id', () => {
  assert.equal(flagHash('test-flag', 'distinct_id_1'), 0.35140843114131903)
})

test('assignVariant should agree with PostHog\'s 1,000 rollout vectors', () => {
  const flag = { id: 'simple-flag', rollout: 45, variants: [{ key: 'on', weight: 100 }, { key: 'never', weight: Number.MIN_VALUE }] }
  const got = Array.from({ length: 1000 }, (_, i) => assignVariant(flag, `distinct_id_${i}`).enabled ? '1' : '0').join('')
  assert.equal(got, SIMPLE_FLAG_45)
})

test('assignVariant should agree with PostHog\'s 1,000 multivariate vectors', () => {
  const keys = ['first-variant', 'second-variant', 'third-variant', 'fourth-variant', 'fifth-variant']
  const flag = { id: 'multivariate-flag', rollout: 55, variants: keys.map((key, i) => ({ key, weight: [50, 20, 20, 5, 5][i] as number })) }
  const got = Array.from({ length: 1000 }, (_, i) => {
    const a = assignVariant(flag, `distinct_id_${i}`)
    return a.enabled ? String(keys.indexOf(a.variant as string) + 1) : '0'
  }).join('')
  assert.equal(got, MULTIVARIATE_55)
})

test('assignVariant should split by the weights given and serve nobody at rollout 0', () => {
  const flag = { id: 'checkout', rollout: 100, variants: [{ key: 'control', weight: 1 }, { key: 'test', weight: 3 }] }
  const n = 20_000
  const test = Array.from({ length: n }, (_, i) => assignVariant(flag, `u${i}`).variant).filter(v => v === 'test').length
  assert.ok(Math.abs(test / n - 0.75) < 0.015, `test share ${test / n}`)
  assert.equal(assignVariant({ ...flag, rollout: 0 }, 'u1').enabled, false)
  assert.deepEqual(assignVariant({ id: 'x', rollout: 100 }, 'u1'), { enabled: false, variant: null, reason: 'no_condition_match' })
})
