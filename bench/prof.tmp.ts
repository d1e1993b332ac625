import { DuckDbStore } from '@tackle/pipeline'
import { Analytics } from '@tackle/analytics'
const path = '/tmp/w/prof/b3m.duckdb'
const { existsSync } = await import('node:fs')
const fresh = !existsSync(path)
const store = await DuckDbStore.open(path)
const T0 = Date.parse('2026-10-05T00:00:00.000Z'), SPAN = 30 * 86400000
if (fresh) {
  const mod = await import('./insights-fill.tmp.ts')
  await mod.fill(store, 3_000_000, 100_000)
}
const a = new Analytics(store, { resolveEveryMs: 0 })
await a.resolver.resolvePending()
const NAMES = ['Product Viewed', 'Added to Cart', 'Checkout Started', 'Order Completed']
const q = { kind: 'funnel', steps: NAMES.map(event => ({ event })), from: new Date(T0).toISOString(), to: new Date(T0 + SPAN).toISOString() }
for (let i = 0; i < 2; i++) { const t = performance.now(); const r = await a.query(q, T0 + SPAN) as any; console.log('funnel', Math.round(performance.now() - t), r.steps.map((s: any) => s.count)) }
const s = { kind: 'sessions', from: new Date(T0).toISOString(), to: new Date(T0 + SPAN).toISOString() }
{ const t = performance.now(); await a.query(s, T0 + SPAN); console.log('sessions', Math.round(performance.now() - t)) }
if (process.argv[2] === 'explain') {
  (globalThis as any).EXPLAIN = true
}
a.close(); await store.close()
