// A run's report directory: the raw history as JSON lines (one event per line, bigint offsets as
// strings) and a picture of throughput and latency over time with the fault windows shaded (dark:
// fault held; light: healed, recovering), as SVG so it needs no renderer.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { History } from './history.ts'

export interface Series {
  /** Seconds since the run began. */
  second: number
  acksPerSec: number
  /** Of the sends acknowledged in this second, null when none were. */
  p99LatencyMs: number | null
}

/** A loop, not Math.min(...): a soak's hundreds of thousands of sends overflow the call stack as arguments. */
function firstSentAt (history: History): number {
  let first = Infinity
  for (const s of history.sends) if (s.sentAt < first) first = s.sentAt
  return first === Infinity ? 0 : first
}

export function perSecond (history: History): Series[] {
  const acked = history.sends.filter(s => s.outcome === 'ok')
  if (acked.length === 0) return []
  const began = firstSentAt(history)
  const buckets = new Map<number, number[]>()
  let last = 0
  for (const s of acked) {
    const second = Math.floor((s.settledAt - began) / 1000)
    const bucket = buckets.get(second)
    if (bucket) bucket.push(s.settledAt - s.sentAt)
    else buckets.set(second, [s.settledAt - s.sentAt])
    if (second > last) last = second
  }
  return Array.from({ length: last + 1 }, (_, second) => {
    const latencies = (buckets.get(second) ?? []).sort((a, b) => a - b)
    return { second, acksPerSec: latencies.length, p99LatencyMs: latencies.length ? latencies[Math.ceil(0.99 * latencies.length) - 1] as number : null }
  })
}

function polyline (points: Array<[number, number]>, color: string): string {
  return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`
}

export function timelineSvg (history: History, title: string): string {
  const series = perSecond(history)
  const width = 900
  const plot = { left: 60, right: 20, top: 40, height: 160, gap: 50 }
  const began = firstSentAt(history)
  const seconds = Math.max(1, series.length)
  const x = (second: number) => plot.left + second / seconds * (width - plot.left - plot.right)
  const maxAcks = series.reduce((max, s) => Math.max(max, s.acksPerSec), 1)
  const maxLatency = series.reduce((max, s) => Math.max(max, s.p99LatencyMs ?? 0), 1)
  const top2 = plot.top + plot.height + plot.gap
  const yAcks = (v: number) => plot.top + plot.height - v / maxAcks * plot.height
  const yLatency = (v: number) => top2 + plot.height - v / maxLatency * plot.height
  const shades = history.episodes.flatMap(e => {
    const start = x((e.startedAt - began) / 1000)
    const healed = x((e.healedAt - began) / 1000)
    const recovered = x(((e.recoveredAt ?? e.healedAt) - began) / 1000)
    return [
      `<rect x="${start}" y="${plot.top}" width="${Math.max(1, healed - start)}" height="${top2 + plot.height - plot.top}" fill="#e74c3c" opacity="0.25"><title>${e.fault}: ${e.detail}</title></rect>`,
      `<rect x="${healed}" y="${plot.top}" width="${Math.max(0, recovered - healed)}" height="${top2 + plot.height - plot.top}" fill="#f39c12" opacity="0.2"/>`,
    ]
  })
  const text = (tx: number, ty: number, s: string, anchor = 'start') => `<text x="${tx}" y="${ty}" font-family="sans-serif" font-size="12" text-anchor="${anchor}">${s.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top2 + plot.height + 40}" viewBox="0 0 ${width} ${top2 + plot.height + 40}">`,
    '<rect width="100%" height="100%" fill="white"/>',
    text(plot.left, 20, title),
    ...shades,
    polyline(series.map(s => [x(s.second), yAcks(s.acksPerSec)]), '#2c7fb8'),
    polyline(series.filter(s => s.p99LatencyMs !== null).map(s => [x(s.second), yLatency(s.p99LatencyMs as number)]), '#8e44ad'),
    text(plot.left - 5, plot.top + 10, String(maxAcks), 'end'), text(plot.left - 5, plot.top + plot.height, '0', 'end'), text(plot.left, plot.top - 5, 'acknowledged records per second'),
    text(plot.left - 5, top2 + 10, `${maxLatency} ms`, 'end'), text(plot.left - 5, top2 + plot.height, '0', 'end'), text(plot.left, top2 - 5, 'p99 send latency (ms)'),
    text(width - plot.right, top2 + plot.height + 25, `${seconds} s; red: fault held, orange: recovering`, 'end'),
    '</svg>',
  ].join('\n') + '\n'
}

export function historyLines (history: History): string {
  const line = (event: object) => JSON.stringify(event, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
  return [
    ...history.episodes.map(e => line({ type: 'episode', ...e })),
    ...history.sends.map(s => line({ type: 'send', ...s })),
    ...history.polls.map(p => line({ type: 'poll', ...p })),
    ...history.final.map(r => line({ type: 'final-read', ...r })),
  ].join('\n') + '\n'
}

export async function writeReport (dir: string, history: History, title: string): Promise<{ svg: string, history: string }> {
  await mkdir(dir, { recursive: true })
  const files = { svg: join(dir, 'timeline.svg'), history: join(dir, 'history.jsonl') }
  await writeFile(files.svg, timelineSvg(history, title))
  await writeFile(files.history, historyLines(history))
  return files
}
