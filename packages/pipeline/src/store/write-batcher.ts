// Group commit: while one batch is being written, the events that arrive meanwhile gather into
// the next. Under light load each event is written at once; under heavy load batches grow on
// their own, with no timer adding latency. Each caller learns whether its event was new.
import type { PipelineEvent } from '../event.ts'
import type { EventStore } from './event-store.ts'

interface Waiting {
  event: PipelineEvent
  resolve (isNew: boolean): void
  reject (error: unknown): void
}

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

  /** Resolves once the event is stored: true if it was new, false if its messageId was seen before. */
  write (event: PipelineEvent): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.push({ event, resolve, reject })
      if (!this.#writing) this.#writing = this.#drain()
    })
  }

  async #drain (): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch)
      const storedAt = new Date()
      try {
        const fresh = await this.#store.insertEvents(batch.map(w => w.event), storedAt)
        const freshIds = new Set(fresh.map(e => `${e.writeKey}\0${e.messageId}`))
        this.#onWritten(fresh, storedAt)
        for (const w of batch) w.resolve(freshIds.delete(`${w.event.writeKey}\0${w.event.messageId}`))
      } catch (error) {
        for (const w of batch) w.reject(error)
      }
    }
    this.#writing = undefined
  }

  /** Resolves once every one of them is stored (new or not). */
  async writeMany (events: readonly PipelineEvent[]): Promise<void> {
    await Promise.all(events.map(event => this.write(event)))
  }

  async flushed (): Promise<void> {
    await this.#writing
  }
}
