// Tackle's producer through its batch API, sendMany: an app handing over `chunk` records per
// call with `window` calls outstanding. Each record's latency is its call's, from the call to the
// last acknowledgement.
import { summarize } from '../stats.ts'
import { latencies, pool, producer, records, rss, size, topic } from './tackle-setup.ts'

const chunk = 1_000
const window = 4
let next = 0
const started = performance.now()
await Promise.all(Array.from({ length: window }, async () => {
  while (next < records) {
    const from = next
    const to = Math.min(records, from + chunk)
    next = to
    const batch = Array.from({ length: to - from }, (_, j) => pool[(from + j) % pool.length] as Buffer)
    const t0 = performance.now()
    await producer.sendMany(topic, batch)
    latencies.fill(performance.now() - t0, from, to)
  }
}))
const elapsed = performance.now() - started
await producer.close()
process.stdout.write(JSON.stringify(summarize('tackle-sendmany', records, size, elapsed, latencies, rss())) + '\n')
