import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { History, SendOp } from '../src/history.ts'
import { historyLines, perSecond, timelineSvg } from '../src/report.ts'

const send = (sequence: number, sentAt: number, latencyMs: number, outcome: SendOp['outcome'] = 'ok'): SendOp =>
  ({ producer: 'p1', sequence, value: `p1:${sequence}`, sentAt, settledAt: sentAt + latencyMs, outcome, partition: 0, offset: BigInt(sequence) })

const history: History = {
  sends: [send(0, 1000, 10), send(1, 1100, 30), send(2, 2500, 400), send(4, 3900, 50), send(5, 5600, 5), send(3, 2600, 0, 'indeterminate')],
  polls: [],
  final: [{ value: 'p1:0', partition: 0, offset: 0n }],
  episodes: [{ index: 0, fault: 'kill-leader', detail: 'SIGKILL node 2', startedAt: 1500, healedAt: 2000, recoveredAt: 2900 }],
}

test('perSecond should count acknowledgements and take the p99 latency of each second', () => {
  assert.deepEqual(perSecond(history), [
    { second: 0, acksPerSec: 2, p99LatencyMs: 30 },
    { second: 1, acksPerSec: 1, p99LatencyMs: 400 },
    { second: 2, acksPerSec: 1, p99LatencyMs: 50 },
    { second: 3, acksPerSec: 0, p99LatencyMs: null },
    { second: 4, acksPerSec: 1, p99LatencyMs: 5 },
  ])
})

test('timelineSvg should shade each fault window and its recovery', () => {
  const svg = timelineSvg(history, 'a <run>')
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  assert.equal((svg.match(/fill="#e74c3c"/g) ?? []).length, 1)
  assert.match(svg, /<title>kill-leader: SIGKILL node 2<\/title>/)
  assert.match(svg, /a &lt;run>/, 'text is escaped')
})

test('historyLines should write one JSON object per event, offsets as strings', () => {
  const lines = historyLines(history).trim().split('\n').map(l => JSON.parse(l) as { type: string, offset?: string })
  assert.deepEqual(lines.map(l => l.type), ['episode', 'send', 'send', 'send', 'send', 'send', 'send', 'final-read'])
  assert.equal(lines[1]?.offset, '0')
})
