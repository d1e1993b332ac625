// What the processors and the dashboard need from a store; DuckDB (embedded, the default) and
// PostgreSQL implement it, and one shared test suite runs against each.
import type { FailedEvent, PipelineEvent } from '../event.ts'
import type { Statement } from './identity-sql.ts'
import type { Dialect } from './sql.ts'

export interface StoredEvent extends PipelineEvent {
  storedAt: string
}

export interface StoredFailure extends FailedEvent {
  id: string
}

export type Row = Record<string, unknown>

export interface EventStore {
  readonly engine: 'duckdb' | 'postgres'
  /** How this engine spells what the two dialects do not share, for the analytics package's SQL. */
  readonly dialect: Dialect
  /** A read ($1, $2, ... parameters), for the analytics package's queries. */
  query (sql: string, params: ReadonlyArray<string | number | null>): Promise<Row[]>
  /** Statements run in one transaction: all of them or none. */
  transaction (statements: readonly Statement[]): Promise<void>
  /**
   * Stores the events whose (writeKey, messageId) it has not stored before, all in one
   * transaction, and returns those: the dedupe that makes SDK retries and replays harmless.
   */
  insertEvents (events: readonly PipelineEvent[], storedAt: Date): Promise<PipelineEvent[]>
  /** Stores failed-event records; one seen again (a redelivery) is stored once. */
  insertFailures (failures: readonly FailedEvent[]): Promise<void>
  /** Newest first by receipt: a client clock that is off cannot pin an event to the top. */
  recentEvents (query: { event?: string | undefined, limit: number }): Promise<StoredEvent[]>
  recentFailures (limit: number): Promise<StoredFailure[]>
  countEvents (): Promise<number>
  /** Every stored row of one write key, as (messageId, storedAt): what a verification run audits. */
  storedIds (writeKey: string): Promise<Array<{ messageId: string, storedAt: string }>>
  /** Every failed-event record of one write key that names a messageId. */
  failedIds (writeKey: string): Promise<Array<{ messageId: string, step: StoredFailure['step'], reason: string }>>
  /** The retention setting's work: deletes events that happened before the cutoff; returns how many. */
  deleteEventsBefore (cutoff: Date): Promise<number>
  close (): Promise<void>
}
