// Telling "this row is refused for what it holds" from "the store is not available now". The
// first is the row's fault, and waiting will not change it: the row goes to failed_events and the
// partition moves on. The second is nobody's fault: the processors wait and try again, and the
// events stay in Kafka. PostgreSQL says which by SQLSTATE class (22 data exception, 23 integrity
// constraint, 54 program limit exceeded: postgresql.org/docs/current/errcodes-appendix.html).
// DuckDB's Node client exposes no error type (the C API's duckdb_result_error_type is not bound),
// so its exception type is read from where DuckDB always writes it, the message's "<Type> Error:"
// prefix (duckdb/common/exception.hpp's ExceptionTypeToString).
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

const POSTGRES_CONTENT_CLASSES = new Set(['22', '23', '54'])
const DUCKDB_CONTENT_TYPES = new Set(['Conversion', 'Invalid Input', 'Out of Range', 'Constraint'])

export function refusedForContent (engine: 'duckdb' | 'postgres', error: unknown): boolean {
  if (engine === 'postgres') {
    const code = (error as { code?: unknown })?.code
    return typeof code === 'string' && code.length === 5 && POSTGRES_CONTENT_CLASSES.has(code.slice(0, 2))
  }
  const type = /^([A-Za-z ]+) Error:/.exec((error as Error)?.message ?? '')?.[1]
  return type !== undefined && DUCKDB_CONTENT_TYPES.has(type)
}

/** The store's error for a failed write: STORE_REFUSED for the rows' content, else STORE_FAILED. */
export function writeError (engine: 'duckdb' | 'postgres', what: string, error: unknown): PipelineError {
  const refused = refusedForContent(engine, error)
  const name = engine === 'duckdb' ? 'DuckDB' : 'PostgreSQL'
  return new PipelineError(refused ? PipelineErrorCodes.STORE_REFUSED : PipelineErrorCodes.STORE_FAILED, `${name} refused ${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error })
}
