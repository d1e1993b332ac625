// A destination: somewhere besides the store that every collected event goes, as a consumer group
// of its own on the events topic (like a Segment destination), with its own retry topic and DLQ,
// so a slow or broken one never holds up the store or another destination.
import { Type } from '@tackle/client'
import { Ajv } from 'ajv'
import type { PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

export interface Destination {
  readonly name: string
  /** Sends the events; throws a DESTINATION_REJECTED error for what the receiver refuses, which is then tried alone and dead-lettered. */
  deliver (events: readonly PipelineEvent[], signal: AbortSignal): Promise<void>
  close (): Promise<void>
}

const NAME = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'lower-case letters, digits, - and _; part of its consumer group and topic names' })
const START_AT = Type.Optional(Type.Union([Type.Literal('latest'), Type.Literal('earliest')], { description: 'where a new destination starts: new events only (latest), or everything Kafka still holds' }))

export const WebhookConfigSchema = Type.Object({
  name: NAME,
  type: Type.Literal('webhook'),
  url: Type.String({ pattern: '^https?://', description: 'receives POSTs of {"batch": [events], "sentAt"}' }),
  /** HMAC-SHA256 key for the X-Tackle-Signature header. */
  secret: Type.Optional(Type.String({ minLength: 16 })),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
  /** Without it, an unreachable receiver is retried until it answers, the events waiting in Kafka. */
  maxRetryMs: Type.Optional(Type.Integer({ minimum: 0 })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  startAt: START_AT,
}, { additionalProperties: false })

export const FilesConfigSchema = Type.Object({
  name: NAME,
  type: Type.Literal('files'),
  /** Default: destinations/NAME beside the store's data. */
  dir: Type.Optional(Type.String({ minLength: 1 })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  /** How long after an hour ends its file is written (events of it may still be on their way). */
  graceMs: Type.Optional(Type.Integer({ minimum: 0 })),
  startAt: START_AT,
}, { additionalProperties: false })

export const DestinationConfigSchema = Type.Union([WebhookConfigSchema, FilesConfigSchema])

const ajv = new Ajv({ allErrors: false, strict: false })
const validators = { webhook: ajv.compile(WebhookConfigSchema), files: ajv.compile(FilesConfigSchema) }

export type WebhookConfig = Type.Static<typeof WebhookConfigSchema>
export type FilesConfig = Type.Static<typeof FilesConfigSchema>
export type DestinationConfig = Type.Static<typeof DestinationConfigSchema>

/** Checks destination settings as given (a config file, an API): each problem named by its index and field. */
export function parseDestinations (given: unknown): DestinationConfig[] {
  if (!Array.isArray(given)) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, 'destinations must be an array')
  const seen = new Set<string>()
  return given.map((item, i) => {
    const type = (item as { type?: unknown })?.type
    if (type !== 'webhook' && type !== 'files') throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `destinations[${i}].type must be "webhook" or "files", got ${JSON.stringify(type)}`)
    const validate = validators[type]
    if (!validate(item)) {
      const problem = validate.errors?.[0]
      const where = `${problem?.instancePath.replaceAll('/', '.') ?? ''}${problem?.keyword === 'additionalProperties' ? `.${String(problem.params.additionalProperty)}` : ''}`
      throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `destinations[${i}]${where}: ${problem?.keyword === 'additionalProperties' ? 'is not a setting of a ' + type + ' destination' : problem?.message ?? 'is not valid'}`)
    }
    const config = item as DestinationConfig
    if (seen.has(config.name)) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `destinations[${i}].name: ${config.name} is named twice`)
    seen.add(config.name)
    return config
  })
}

/** A destination's consumer group and failure topics: its own, apart from the store's and each other's. */
export function destinationNames (eventsTopic: string, name: string, groupPrefix = 'tackle'): { group: string, retryTopic: string, dlqTopic: string } {
  return { group: `${groupPrefix}.destination.${name}`, retryTopic: `${eventsTopic}.destination.${name}.retry`, dlqTopic: `${eventsTopic}.destination.${name}.dlq` }
}

/** Where a destination sends, for people: a webhook's URL without the credentials or query it may hold. */
export function destinationTarget (config: DestinationConfig): string {
  if (config.type === 'files') return config.dir ?? `destinations/${config.name} in the data directory`
  const url = new URL(config.url)
  return `${url.protocol}//${url.host}${url.pathname}`
}
