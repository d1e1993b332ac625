import { setTimeout as sleep } from 'node:timers/promises'

export interface WaitUntilOptions {
  timeoutMs: number
  signal?: AbortSignal
  initialDelayMs?: number
  maxDelayMs?: number
}

/**
 * Polls `check` with exponential backoff until it returns a value other than undefined, or the
 * deadline passes (then undefined). `check` may throw to stop early with that error.
 */
export async function waitUntil<T> (check: () => Promise<T | undefined> | T | undefined, options: WaitUntilOptions): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs
  let delay = options.initialDelayMs ?? 50
  const maxDelay = options.maxDelayMs ?? 1000
  for (;;) {
    options.signal?.throwIfAborted()
    const value = await check()
    if (value !== undefined) return value
    const left = deadline - Date.now()
    if (left <= 0) return undefined
    await sleep(Math.min(delay, left), undefined, options.signal ? { signal: options.signal } : undefined)
    delay = Math.min(delay * 2, maxDelay)
  }
}
