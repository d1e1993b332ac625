import { DuckDBInstance } from '@duckdb/node-api'
const i = await DuckDBInstance.create(':memory:'); const c = await i.connect()
for (const doc of [JSON.stringify({ a: 'x\ud800y', n: 1 }), JSON.stringify({ a: 'nul\u0000', n: 2 }), '{"a": 1e400}']) {
  try { console.log(doc, (await c.runAndReadAll(`SELECT json_extract('${doc.replaceAll("'", "''")}', '$.a') AS v, json_extract_string('${doc.replaceAll("'", "''")}', '$.a') AS s`)).getRowObjectsJS()) } catch (e) { console.log('ERR', doc, (e as Error).message) }
}
