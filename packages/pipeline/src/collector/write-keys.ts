// Write keys are compared in constant time: each known key's SHA-256 against the given one's,
// every key compared whatever matched, so the answer's timing tells nothing of a key's prefix.
import { createHash, timingSafeEqual } from 'node:crypto'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

const digest = (text: string) => createHash('sha256').update(text).digest()

/** The write key a request named, if the collector knows it; else 401 saying where to put it. */
export function knownWriteKey (known: readonly string[], given: unknown, where: string): string {
  if (typeof given !== 'string' || given === '') throw new PipelineError(PipelineErrorCodes.UNKNOWN_WRITE_KEY, `no write key: send it as ${where}`)
  const givenDigest = digest(given)
  let match: string | undefined
  for (const key of known) if (timingSafeEqual(digest(key), givenDigest) && match === undefined) match = key
  if (match === undefined) throw new PipelineError(PipelineErrorCodes.UNKNOWN_WRITE_KEY, 'unknown write key')
  return match
}
