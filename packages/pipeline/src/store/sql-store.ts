// The reads both SQL stores share: the same statements (sql.ts), told apart by their dialect and
// by how each engine runs a query.
import type { EventStore, Row, StoredEvent, StoredFailure } from './event-store.ts'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import type { Statement } from './identity-sql.ts'
import { recentEventsSql, recentFailuresSql, rowToEvent, rowToFailure, type Dialect } from './sql.ts'


export abstract class SqlEventStore implements EventStore {
  abstract readonly engine: 'duckdb' | 'postgres'
  abstract readonly dialect: Dialect
  abstract query (sql: string, params: ReadonlyArray<string | number | null>): Promise<Row[]>
  abstract transaction (statements: readonly Statement[]): Promise<void>
  abstract insertEvents (events: readonly PipelineEvent[], storedAt: Date): Promise<PipelineEvent[]>
  abstract insertFailures (failures: readonly FailedEvent[]): Promise<void>
  abstract close (): Promise<void>

  async recentEvents (query: { event?: string | undefined, limit: number }): Promise<StoredEvent[]> {
    const { sql, params } = recentEventsSql(this.dialect, query)
    return (await this.query(sql, params)).map(rowToEvent)
  }

  async recentFailures (limit: number): Promise<StoredFailure[]> {
    const { sql, params } = recentFailuresSql(this.dialect, limit)
    return (await this.query(sql, params)).map(rowToFailure)
  }

  async deleteEventsBefore (cutoff: Date): Promise<number> {
    const where = 'FROM events WHERE timestamp < $1::TIMESTAMPTZ'
    const [row] = await this.query(`SELECT count(*) AS n ${where}`, [cutoff.toISOString()])
    const n = Number(row?.n ?? 0)
    if (n > 0) await this.transaction([{ sql: `DELETE ${where}`, params: [cutoff.toISOString()] }])
    return n
  }

  async countEvents (): Promise<number> {
    const [row] = await this.query('SELECT count(*) AS n FROM events', [])
    return Number(row?.n ?? 0)
  }

  async storedIds (writeKey: string): Promise<Array<{ messageId: string, storedAt: string }>> {
    const rows = await this.query(`SELECT message_id, ${this.dialect.epochMs('stored_at')} AS stored_at FROM events WHERE write_key = $1`, [writeKey])
    return rows.map(r => ({ messageId: String(r.message_id), storedAt: new Date(Number(r.stored_at)).toISOString() }))
  }

  async failedIds (writeKey: string): Promise<Array<{ messageId: string, step: StoredFailure['step'], reason: string }>> {
    const rows = await this.query('SELECT message_id, step, reason FROM failed_events WHERE write_key = $1 AND message_id IS NOT NULL', [writeKey])
    return rows.map(r => ({ messageId: String(r.message_id), step: r.step as StoredFailure['step'], reason: String(r.reason) }))
  }
}
