import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compileFilter } from '../../src/browse/message-filter.ts'

const signup = { event: 'signup', properties: { plan: 'pro', amount: 12, tags: ['a', 'b'] }, userId: null }
const view = { event: 'view', properties: { plan: 'free', amount: 3 } }

test('compileFilter should match simple comparisons on dotted paths, with JSON or bare-word literals', () => {
  const cases: Array<[string, boolean, boolean]> = [
    ['event == signup', true, false],
    ["event == 'signup'", true, false],
    ['event == "signup"', true, false],
    ['event != signup', false, true],
    ['properties.amount > 10', true, false],
    ['properties.amount >= 3', true, true],
    ['properties.amount < 5', false, true],
    ['properties.plan == pro', true, false],
    ['properties.missing == x', false, false],
    ['userId == null', true, false],
    ['properties.amount == 12', true, false],
  ]
  for (const [expression, a, b] of cases) {
    const matches = compileFilter(expression)
    assert.equal(matches(signup), a, `${expression} on signup`)
    assert.equal(matches(view), b, `${expression} on view`)
  }
})

test('compileFilter should match a JSONPath when it selects anything, and test the value itself with $[?(...)]', () => {
  assert.equal(compileFilter('$.properties.tags')(signup), true)
  assert.equal(compileFilter('$.properties.tags')(view), false)
  assert.equal(compileFilter("$[?(@.event == 'signup' && @.properties.amount > 10)]")(signup), true)
  assert.equal(compileFilter("$[?(@.event == 'signup')]")(view), false)
  assert.equal(compileFilter('$..plan')(view), true)
})

test('compileFilter should refuse what it cannot read, and never match text or binary values', () => {
  assert.throws(() => compileFilter('event ~ signup'), { code: 'TACKLE_OPS_INVALID_OPTIONS', message: /field OP value/ })
  assert.throws(() => compileFilter(''), { code: 'TACKLE_OPS_INVALID_OPTIONS' })
  assert.equal(compileFilter('$.a')('just text'), false)
  assert.equal(compileFilter('a == b')('just text'), false)
  // The JSONPath sandbox evaluates no JavaScript: a name it does not know is refused up front.
  assert.throws(() => compileFilter('$[?(process.exit(1))]'), { code: 'TACKLE_OPS_INVALID_OPTIONS', message: /process is not defined/ })
  assert.throws(() => compileFilter('$[?(@.event == '), { code: 'TACKLE_OPS_INVALID_OPTIONS' })
  // A valid filter over fields some messages lack matches the others.
  const nested = compileFilter('$[?(@.properties.amount > 10)]')
  assert.equal(nested(signup), true)
  assert.equal(nested({ event: 'x' }), false)
})
