// Tackle's producer through send(): an app keeping `window` sends outstanding.
import { summarize } from '../stats.ts'
import { latencies, pool, producer, records, rss, size, topic } from './tackle-setup.ts'

const window = 4_000
let next = 0
const started = performance.now()
await Promise.all(Array.from({ length: window }, async () => {
  while (next < records) {
    const i = next++
    const t0 = performance.now()
    await producer.send(topic, pool[i % pool.length] as Buffer)
    latencies[i] = performance.now() - t0
  }
}))
const elapsed = performance.now() - started
await producer.close()
process.stdout.write(JSON.stringify(summarize('tackle', records, size, elapsed, latencies, rss())) + '\n')
