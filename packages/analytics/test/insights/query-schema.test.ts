import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseInsightQuery } from '../../src/insights/query-schema.ts'

const bad = (query: unknown, field: string, message: RegExp) => {
  assert.throws(() => parseInsightQuery(query), (error: { code: string, field: string, message: string }) => {
    assert.equal(error.code, 'TACKLE_ANALYTICS_BAD_QUERY')
    assert.equal(error.field, field)
    assert.match(error.message, message)
    return true
  }, JSON.stringify(query))
}

test('parseInsightQuery should name the field at fault in a malformed query', () => {
  bad(null, '', /must be a JSON object/)
  bad([], '', /must be a JSON object/)
  bad({}, '/kind', /kind must be one of trends, funnel, retention, sessions, got null/)
  bad({ kind: 'pie' }, '/kind', /got "pie"/)
  bad({ kind: 'trends' }, '/series', /is required/)
  bad({ kind: 'trends', series: [] }, '/series', /must NOT have fewer than 1 items/)
  bad({ kind: 'trends', series: [{ event: 'A', math: 'median' }] }, '/series/0/math', /must be one of count, unique_persons, sum, avg, p50, p90, min, max/)
  bad({ kind: 'trends', series: [{ event: 'A', math: 'sum' }] }, '/series/0/property', /required for math "sum"/)
  bad({ kind: 'trends', series: [{ event: 'A' }], colour: 'red' }, '/colour', /is not a field/)
  bad({ kind: 'trends', series: [{ event: 'A' }], from: 'yesterday' }, '/from', /must match format "date-time"/)
  bad({ kind: 'trends', series: [{ event: 'A' }], from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, '/from', /before \/to/)
  bad({ kind: 'funnel', steps: [{ event: 'A' }] }, '/steps', /fewer than 2/)
  bad({ kind: 'funnel', steps: Array.from({ length: 11 }, () => ({ event: 'A' })) }, '/steps', /more than 10/)
  bad({ kind: 'funnel', steps: [{ event: 'A' }, { event: '' }] }, '/steps/1/event', /fewer than 1 characters/)
  bad({ kind: 'funnel', steps: [{ event: 'A' }, { event: 'B' }], exclusions: [{ event: 'X', fromStep: 1, toStep: 1 }] }, '/exclusions/0/toStep', /after fromStep/)
  bad({ kind: 'funnel', steps: [{ event: 'A' }, { event: 'B' }], order: 'any', exclusions: [{ event: 'X', fromStep: 0, toStep: 1 }] }, '/exclusions', /need order/)
  bad({ kind: 'trends', series: [{ event: 'A', filters: [{ property: 'price', operator: 'gt', value: 'ten' }] }] }, '/series/0/filters/0/value', /must be a number/)
  bad({ kind: 'trends', series: [{ event: 'A' }], filters: [{ property: 'plan' }] }, '/filters/0/value', /required for operator "eq"/)
  bad({ kind: 'retention', startEvent: { event: 'A' } }, '/returnEvent', /is required/)
  bad({ kind: 'sessions', inactivityMs: 5 }, '/inactivityMs', /must be >= 60000/)
})

test('parseInsightQuery should fill in the defaults and leave its input alone', () => {
  const input = { kind: 'funnel', steps: [{ event: 'A' }, { event: 'B' }] }
  const query = parseInsightQuery(input)
  assert.deepEqual(query, { kind: 'funnel', steps: [{ event: 'A', filters: [] }, { event: 'B', filters: [] }], windowMs: 14 * 86_400_000, order: 'ordered', exclusions: [], filters: [], includeBots: false })
  assert.deepEqual(input, { kind: 'funnel', steps: [{ event: 'A' }, { event: 'B' }] })
})
