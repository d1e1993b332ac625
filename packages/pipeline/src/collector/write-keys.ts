import { PipelineError, PipelineErrorCodes } from '../errors.ts'

/** The write key a request named, if the collector knows it; else 401 saying where to put it. */
export function knownWriteKey (known: readonly string[], given: unknown, where: string): string {
  if (typeof given !== 'string' || given === '') throw new PipelineError(PipelineErrorCodes.UNKNOWN_WRITE_KEY, `no write key: send it as ${where}`)
  if (!known.includes(given)) throw new PipelineError(PipelineErrorCodes.UNKNOWN_WRITE_KEY, `unknown write key "${given.slice(0, 8)}…"`)
  return given
}
