// What every benchmark client reports, measured the same way: throughput over the whole run,
// per-record latency percentiles, and the peak resident memory of the process.

export interface ClientResult {
  client: string
  records: number
  recordsPerSec: number
  mbPerSec: number
  /** Null where latency means nothing, as for reading a topic filled beforehand. */
  p50Ms: number | null
  p99Ms: number | null
  rssMb: number
}

export function percentile (sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))
  return sorted[index] as number
}

/** Samples this process's RSS until stopped; returns the peak in MiB. */
export function peakRss (): () => number {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 100)
  return () => {
    clearInterval(timer)
    return Math.round(Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024)
  }
}

export function summarize (client: string, records: number, valueBytes: number, elapsedMs: number, latenciesMs: Float64Array, rssMb: number): ClientResult {
  const sorted = latenciesMs.slice().sort()
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    client,
    records,
    recordsPerSec: Math.round(records / (elapsedMs / 1000)),
    mbPerSec: round(records * valueBytes / 1024 / 1024 / (elapsedMs / 1000)),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    rssMb,
  }
}

/** 512-byte values that do not compress, the same for every client. */
export function values (count: number, size: number): Buffer[] {
  let seed = 42
  return Array.from({ length: count }, () => {
    const buffer = Buffer.alloc(size)
    for (let i = 0; i < size; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      buffer[i] = seed & 0xff
    }
    return buffer
  })
}

/**
 * Sends `records` values in batches of `batch`, one batch at a time, as a peer's README does;
 * each record's latency is its batch's.
 */
export async function sendInBatches (records: number, batch: number, pool: readonly Buffer[], send: (values: Buffer[]) => Promise<unknown>): Promise<{ elapsedMs: number, latencies: Float64Array }> {
  const latencies = new Float64Array(records)
  const started = performance.now()
  for (let first = 0; first < records; first += batch) {
    const count = Math.min(batch, records - first)
    const t0 = performance.now()
    await send(Array.from({ length: count }, (_, j) => pool[(first + j) % pool.length] as Buffer))
    latencies.fill(performance.now() - t0, first, first + count)
  }
  return { elapsedMs: performance.now() - started, latencies }
}
