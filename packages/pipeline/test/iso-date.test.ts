import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_DATE_MS, MIN_DATE_MS, parseIsoDate } from '../src/iso-date.ts'

test('parseIsoDate should read ISO 8601 dates with and without a zone, as UTC when none is named', () => {
  const cases: Array<[string, string]> = [
    ['2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00.123456789Z', '2026-11-25T10:00:00.123Z'],
    ['2026-11-25T12:00:00+02:00', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T05:30:00-0430', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25 10:00:00', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25', '2026-11-25T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ]
  for (const [text, iso] of cases) {
    const parsed = parseIsoDate(text)
    assert.ok(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.reason}`)
    assert.equal(new Date(parsed.ms).toISOString(), iso, text)
  }
  assert.deepEqual(parseIsoDate('0001-01-01T00:00:00Z'), { ok: true, ms: MIN_DATE_MS })
  assert.deepEqual(parseIsoDate('9999-12-31T23:59:59.999Z'), { ok: true, ms: MAX_DATE_MS })
})

test('parseIsoDate should refuse what is not a real calendar date in the years 0001 to 9999, saying why', () => {
  const cases: Array<[string, RegExp]> = [
    ['2026-02-30T00:00:00Z', /day 30, but that month has 28 days/],
    ['2023-02-29', /day 29, but that month has 28 days/],
    ['1900-02-29', /that month has 28 days/],
    ['2026-04-31', /that month has 30 days/],
    ['2026-13-01', /month 13/],
    ['2026-00-10', /month 0/],
    ['0000-01-01T00:00:00Z', /year 0000/],
    ['+010000-01-01T00:00:00.000Z', /not an ISO 8601 date/],
    ['10000-01-01', /not an ISO 8601 date/],
    ['2026-11-25T24:00:00Z', /time of day out of range/],
    ['2026-11-25T10:60:00Z', /time of day/],
    ['2026-11-25T10:00:60Z', /time of day/],
    ['2026-11-25T10:00:00+24:00', /zone offset/],
    ['0001-01-01T00:00:00+01:00', /outside the years 0001 to 9999/],
    ['9999-12-31T23:00:00-02:00', /outside the years/],
    ['Tue Dec 01 2026', /not an ISO 8601 date/],
    ['', /not an ISO 8601 date/],
  ]
  for (const [text, reason] of cases) {
    const parsed = parseIsoDate(text)
    assert.equal(parsed.ok, false, text)
    if (!parsed.ok) assert.match(parsed.reason, reason, text)
  }
})
