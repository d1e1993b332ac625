// Exponential backoff with jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
// the delay doubles from initialMs up to maxMs, and each is spread by ±jitter so that many clients
// failing together do not retry together.

export interface BackoffOptions {
  initialMs: number
  maxMs: number
  multiplier: number
  /** 0..1: the share of each delay that is random. */
  jitter: number
}

export const defaultBackoffOptions: Readonly<BackoffOptions> = Object.freeze({ initialMs: 100, maxMs: 5_000, multiplier: 2, jitter: 0.2 })

/** The delay before retry number `attempt` (1 for the first retry). */
export function backoffMs (attempt: number, options: BackoffOptions = defaultBackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.multiplier ** Math.max(0, attempt - 1))
  const spread = base * options.jitter
  return Math.max(0, Math.round(base - spread + random() * 2 * spread))
}

/** How many retries fit in `budgetMs` at the shortest delays: a bound for a client that counts retries, not time. */
export function retriesWithin (budgetMs: number, options: BackoffOptions = defaultBackoffOptions): number {
  let spent = 0
  let attempt = 0
  while (spent < budgetMs) spent += backoffMs(++attempt, options, () => 0)
  return attempt
}

export interface RetryOptions {
  /** Tries in all, the first included; Infinity tries until success, a refusal, the deadline or the signal. */
  attempts: number
  backoff?: BackoffOptions
  signal?: AbortSignal
  /** Whether a failure is worth another try; the last failure is thrown as it came. */
  canRetry: (error: unknown, attempt: number) => boolean
  /** The wait before the next try when the failure says how long (a Retry-After); undefined: the backoff's. */
  delayMs?: (error: unknown, attempt: number) => number | undefined
  /** No try starts later than this many milliseconds after the first: the last failure is thrown instead. */
  deadlineMs?: number
  /** Told of each failure that is tried again, and the wait before it. */
  onRetry?: (error: unknown, attempt: number, waitMs: number) => void
}

/**
 * Runs `fn` until it succeeds, a failure is not retriable, attempts or the deadline run out, or
 * `signal` aborts (KafkaJS's retry/index.js has the same shape). The one retry loop of Tackle.
 */
export async function retry<T> (fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const started = Date.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted || !options.canRetry(error, attempt)) throw error
      const wait = options.delayMs?.(error, attempt) ?? backoffMs(attempt, options.backoff)
      if (options.deadlineMs !== undefined && Date.now() + wait - started > options.deadlineMs) throw error
      options.onRetry?.(error, attempt, wait)
      await new Promise<void>(resolve => {
        const timer = setTimeout(done, wait)
        options.signal?.addEventListener('abort', done, { once: true })
        function done (): void { clearTimeout(timer); options.signal?.removeEventListener('abort', done); resolve() }
      })
      if (options.signal?.aborted) throw error
    }
  }
}
