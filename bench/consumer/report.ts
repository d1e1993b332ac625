import type { ClientResult } from '../stats.ts'

/**
 * A consumer's result. Reading a topic filled beforehand has no per-record latency worth the
 * name, so p50Ms and p99Ms are null; throughput covers group join to the last record.
 */
export function reportConsumed (client: string, records: number, size: number, elapsedMs: number, rssMb: number): void {
  const result: ClientResult = {
    client,
    records,
    recordsPerSec: Math.round(records / (elapsedMs / 1000)),
    mbPerSec: Math.round(records * size / 1024 / 1024 / (elapsedMs / 1000) * 100) / 100,
    p50Ms: null,
    p99Ms: null,
    rssMb,
  }
  process.stdout.write(JSON.stringify(result) + '\n')
}
