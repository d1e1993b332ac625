// Group commit: while one batch is being written, the events that arrive meanwhile gather into
// the next. Under light load each event is written at once; under heavy load batches grow on
// their own, with no timer adding latency. Each caller learns whether its event was new.
//
// A batch the store refuses for its content (STORE_REFUSED) is split in halves, and each half
// written on its own, until the rows it refuses are found alone: those callers learn why, the
// rest are stored. With k bad rows in n this costs O(k log n) writes. Any other failure (the
// store is unavailable) fails the whole batch, for the caller to try again.
import type { PipelineEvent } from '../event.ts'
import { PipelineErrorCodes } from '../errors.ts'
import type { EventStore } from './event-store.ts'

/** Stored now, stored before (the same writeKey and messageId), or refused with the store's reason. */
export type WriteOutcome = 'new' | 'duplicate' | { refused: string }

interface Waiting {
  event: PipelineEvent
  resolve (outcome: WriteOutcome): void
  reject (error: unknown): void
}

const keyOf = (e: PipelineEvent) => `${e.writeKey}\0${e.messageId}`

export class WriteBatcher {
  readonly #store: EventStore
  readonly #maxBatch: number
  readonly #onWritten: (fresh: readonly PipelineEvent[], storedAt: Date) => void
  #pending: Waiting[] = []
  #writing: Promise<void> | undefined

  constructor (store: EventStore, options: { maxBatch?: number, onWritten?: (fresh: readonly PipelineEvent[], storedAt: Date) => void } = {}) {
    this.#store = store
    this.#maxBatch = options.maxBatch ?? 2_000
    this.#onWritten = options.onWritten ?? (() => undefined)
  }

  /** Resolves once the event is stored, or the store refused it for what it holds. */
  write (event: PipelineEvent): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.#pending.push({ event, resolve, reject })
      if (!this.#writing) this.#writing = this.#drain()
    })
  }

  async #drain (): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch)
      try {
        const outcomes = new Map<string, WriteOutcome>()
        await this.#insert(batch.map(w => w.event), outcomes)
        for (const w of batch) {
          const key = keyOf(w.event)
          const outcome = outcomes.get(key) ?? 'duplicate'
          w.resolve(outcome)
          // A second caller with the same key in one batch learns it was a repeat.
          if (outcome === 'new') outcomes.set(key, 'duplicate')
        }
      } catch (error) {
        for (const w of batch) w.reject(error)
      }
    }
    this.#writing = undefined
  }

  async #insert (events: readonly PipelineEvent[], outcomes: Map<string, WriteOutcome>): Promise<void> {
    const storedAt = new Date()
    try {
      const fresh = await this.#store.insertEvents(events, storedAt)
      for (const e of fresh) outcomes.set(keyOf(e), 'new')
      this.#onWritten(fresh, storedAt)
    } catch (error) {
      if ((error as { code?: unknown }).code !== PipelineErrorCodes.STORE_REFUSED) throw error
      const distinct = [...new Map(events.map(e => [keyOf(e), e])).values()]
      if (distinct.length === 1) {
        outcomes.set(keyOf(distinct[0] as PipelineEvent), { refused: (error as Error).message })
        return
      }
      const half = Math.ceil(distinct.length / 2)
      await this.#insert(distinct.slice(0, half), outcomes)
      await this.#insert(distinct.slice(half), outcomes)
    }
  }

  /** Resolves once every one of them is stored (new or not) or refused, with each one's outcome. */
  writeMany (events: readonly PipelineEvent[]): Promise<WriteOutcome[]> {
    return Promise.all(events.map(event => this.write(event)))
  }

  async flushed (): Promise<void> {
    await this.#writing
  }
}
