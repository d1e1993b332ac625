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
