// Flags for experiments on a real store: PostHog's assignment for a first id, and the same variant
// for every later id of the person (identify's $anon_distinct_id, and ids merged by the resolver),
// even where PostHog's hash of that id alone would give another.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Analytics } from '../../src/analytics.ts'
import { assignVariant } from '../../src/experiments/assignment.ts'
import { eachStore, identify } from '../fixtures/stores.ts'

const experiment = { id: 'checkout', variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }], metrics: [{ kind: 'conversion', event: 'Order Completed' }] }
const variantOf = (id: string) => assignVariant({ ...experiment, rollout: 100 }, id).variant

/** An id whose own hash gives the other variant than `of`'s. */
function otherThan (of: string, prefix: string): string {
  for (let i = 0; ; i++) if (variantOf(`${prefix}-${i}`) !== variantOf(of)) return `${prefix}-${i}`
}

eachStore((open) => {
  test('experiment flags should keep a person\'s first variant across identify and merged ids', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0, experiments: { checkout: experiment, later: { ...experiment, id: 'later', start: '2999-01-01T00:00:00Z' } } })
    t.after(() => analytics.close())
    const flags = analytics.experiments.flags
    const anon = 'anon-1'
    const user = otherThan(anon, 'user')
    const first = await flags.evaluate({ distinctId: anon, writeKey: 'wk' })
    assert.deepEqual(first, [{ key: 'checkout', enabled: true, variant: variantOf(anon), reason: 'condition_match' }], 'PostHog\'s assignment; an experiment not started is not served')
    const identified = await flags.evaluate({ distinctId: user, anonDistinctId: anon, writeKey: 'wk' })
    assert.equal(identified[0]?.variant, variantOf(anon), 'identify keeps the anonymous variant')
    assert.equal((await flags.evaluate({ distinctId: user, writeKey: 'wk' }))[0]?.variant, variantOf(anon), 'and so does the user id alone afterwards')
    // A second device, merged into the user by an identify the resolver has seen.
    const device = otherThan(anon, 'device')
    await store.insertEvents([identify(user, device, 0)], new Date())
    await analytics.resolver.resolvePending()
    assert.equal((await flags.evaluate({ distinctId: device, writeKey: 'wk' }))[0]?.variant, variantOf(anon))
    // A stranger gets their own hash, and flag_keys limits the answer.
    const stranger = otherThan(anon, 'stranger')
    assert.equal((await flags.evaluate({ distinctId: stranger, writeKey: 'wk' }))[0]?.variant, variantOf(stranger))
    assert.deepEqual(await flags.evaluate({ distinctId: stranger, flagKeys: ['nope'], writeKey: 'wk' }), [])
  })
})
