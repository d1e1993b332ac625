// Headers that travel with a record sent to the retry or dead-letter topic: why it failed, how
// often, where it came from and when, so a person can act and a replay can find the original.

export const FailureHeaders = {
  ERROR: 'tackle-error',
  ATTEMPTS: 'tackle-attempts',
  TOPIC: 'tackle-original-topic',
  PARTITION: 'tackle-original-partition',
  OFFSET: 'tackle-original-offset',
  FAILED_AT: 'tackle-failed-at',
  RETRY_AT: 'tackle-retry-at',
} as const

export interface FailureOrigin {
  topic: string
  partition: number
  offset: bigint
}

export interface Failure {
  error: string
  attempts: number
  origin: FailureOrigin
  failedAt: Date
  retryAt?: Date
}

export function failureHeaders (failure: Failure, passThrough: ReadonlyMap<string, string> = new Map()): Record<string, string> {
  const headers: Record<string, string> = Object.fromEntries([...passThrough].filter(([k]) => !k.startsWith('tackle-')))
  headers[FailureHeaders.ERROR] = failure.error.slice(0, 2000)
  headers[FailureHeaders.ATTEMPTS] = String(failure.attempts)
  headers[FailureHeaders.TOPIC] = failure.origin.topic
  headers[FailureHeaders.PARTITION] = String(failure.origin.partition)
  headers[FailureHeaders.OFFSET] = String(failure.origin.offset)
  headers[FailureHeaders.FAILED_AT] = failure.failedAt.toISOString()
  if (failure.retryAt) headers[FailureHeaders.RETRY_AT] = failure.retryAt.toISOString()
  return headers
}

/** The failure a retry-topic record carries, or undefined for a record that never failed. */
export function readFailure (headers: ReadonlyMap<string, string>): Failure | undefined {
  const topic = headers.get(FailureHeaders.TOPIC)
  if (topic === undefined) return undefined
  const retryAt = headers.get(FailureHeaders.RETRY_AT)
  return {
    error: headers.get(FailureHeaders.ERROR) ?? '',
    attempts: Number(headers.get(FailureHeaders.ATTEMPTS) ?? 0),
    origin: { topic, partition: Number(headers.get(FailureHeaders.PARTITION) ?? -1), offset: BigInt(headers.get(FailureHeaders.OFFSET) ?? -1) },
    failedAt: new Date(headers.get(FailureHeaders.FAILED_AT) ?? 0),
    ...(retryAt ? { retryAt: new Date(retryAt) } : {}),
  }
}
