import { DuckDbStore } from '@tackle/pipeline'
import { Analytics } from '@tackle/analytics'
const store = await DuckDbStore.open(process.env.DB ?? '/tmp/w/prof/b3m.duckdb')
const T0 = Date.parse('2026-10-05T00:00:00.000Z'), SPAN = 30 * 86400000
if (process.argv[2]) await store.query(process.argv[2], [])
const a = new Analytics(store, { resolveEveryMs: 0 })
const NAMES = ['Product Viewed', 'Added to Cart', 'Checkout Started', 'Order Completed']
const q = { kind: 'funnel', steps: NAMES.map(event => ({ event })), from: new Date(T0).toISOString(), to: new Date(T0 + SPAN).toISOString() }
for (let i = 0; i < 3; i++) { const t = performance.now(); await a.query(q, T0 + SPAN); console.log('funnel', Math.round(performance.now() - t)) }
const s = { kind: 'sessions', from: new Date(T0).toISOString(), to: new Date(T0 + SPAN).toISOString() }
for (let i = 0; i < 2; i++) { const t = performance.now(); await a.query(s, T0 + SPAN); console.log('sessions', Math.round(performance.now() - t)) }
a.close(); await store.close()
