import type { Logger } from 'pino'
import type { TackleProducer } from '@tackle/client'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import { defaultHttpLimits, resolveHttpLimits, type HttpLimits } from '../http-limits.ts'
import type { PipelineTopics } from '../topics.ts'
import type { FlagsProvider } from './flags-api.ts'

export interface CollectorOptions extends HttpLimits {
  producer: TackleProducer
  topics: PipelineTopics
  writeKeys: readonly string[]
  port: number
  host: string
  /** Segment documents 32 KB per event and 500 KB per batch. */
  maxEventBytes: number
  maxBatchBytes: number
  /** Believe X-Forwarded-For for the caller's address: only behind a proxy you run. */
  trustProxy: boolean
  logger: Logger | undefined
  /** The clock that stamps receivedAt; tests pin it. */
  now: () => Date
  /** Answers PostHog's /flags and /decide; without it they answer with no flags. */
  flags: FlagsProvider | undefined
}

export const defaultCollectorOptions = {
  ...defaultHttpLimits,
  port: 8080,
  host: '127.0.0.1',
  maxEventBytes: 32 * 1024,
  maxBatchBytes: 500 * 1024,
  trustProxy: false,
  logger: undefined,
  now: () => new Date(),
  flags: undefined,
} as const

export type CollectorOptionsInput = Partial<CollectorOptions> & Pick<CollectorOptions, 'producer' | 'topics' | 'writeKeys'>

export function resolveCollectorOptions (input: CollectorOptionsInput): Readonly<CollectorOptions> {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined))
  const options: CollectorOptions = { ...defaultCollectorOptions, ...given } as CollectorOptions
  if (options.writeKeys.length === 0 || options.writeKeys.some(k => typeof k !== 'string' || k.trim() === '')) {
    throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, 'writeKeys must name at least one non-empty write key')
  }
  for (const name of ['maxEventBytes', 'maxBatchBytes'] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 1024) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `${name} must be a whole number of bytes ≥ 1024, got ${options[name]}`)
  }
  if (options.maxEventBytes > options.maxBatchBytes) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `maxEventBytes (${options.maxEventBytes}) must not exceed maxBatchBytes (${options.maxBatchBytes})`)
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `port must be 0..65535, got ${options.port}`)
  return Object.freeze({ ...options, ...resolveHttpLimits(options), writeKeys: Object.freeze([...options.writeKeys]) })
}
