import { DuckDbStore } from '@tackle/pipeline'
import { Analytics } from '@tackle/analytics'
const store = await DuckDbStore.open(process.env.DB ?? '/tmp/w/prof/b3m.duckdb')
const T0 = Date.parse('2026-10-05T00:00:00.000Z'), SPAN = 30 * 86400000
const a = new Analytics(store, { resolveEveryMs: 0 })
const orig = store.query.bind(store)
let captured: { sql: string, params: any[] } | undefined
;(store as any).query = async (sql: string, params: any[]) => { if (sql.includes(process.argv[2] === 'sessions' ? 'WITH ev AS' : 'WITH base')) captured = { sql, params: [...params] }; return orig(sql, params) }
const NAMES = ['Product Viewed', 'Added to Cart', 'Checkout Started', 'Order Completed']
const q = process.argv[2] === 'sessions' ? { kind: 'sessions', from: new Date(T0).toISOString(), to: new Date(T0 + SPAN).toISOString() } : { kind: 'funnel', steps: NAMES.map(event => ({ event })), from: new Date(T0).toISOString(), to: new Date(T0 + SPAN).toISOString() }
await a.query(q, T0 + SPAN)
await orig("PRAGMA enable_profiling='query_tree'", [])
const rows = await orig('EXPLAIN ANALYZE ' + captured!.sql, captured!.params)
console.log(String((rows[0] as any).explain_value))
a.close(); await store.close()
