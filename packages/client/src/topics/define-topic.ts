// A typed topic: its name, a schema that every value must pass before it is sent, the key that
// keeps one entity's records in order, and how values become bytes.
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { ClientError, ClientErrorCodes } from '../errors.ts'
import { jsonSerde, type Serde } from './serde.ts'

export interface TopicDefinition<T> {
  readonly name: string
  readonly schema: TSchema
  /** Partitioning key: records with one key go to one partition, in order. */
  readonly key: (value: T) => string | undefined
  readonly serde: Serde<T>
  /** Throws TACKLE_CLIENT_INVALID_VALUE naming every failing path. */
  validate (value: unknown): T
  /** Settings used by ensureTopics. */
  readonly partitions: number
  readonly config: Readonly<Record<string, string>>
}

export interface TopicOptions<T> {
  name: string
  schema: TSchema
  key?: (value: T) => string | undefined
  serde?: Serde<T>
  partitions?: number
  config?: Record<string, string>
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/

export function defineTopic<T> (options: TopicOptions<T>): TopicDefinition<T> {
  if (!TOPIC_NAME.test(options.name) || options.name === '.' || options.name === '..') {
    throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, `topic name "${options.name}" is not valid: 1 to 249 of a-z A-Z 0-9 . _ -`)
  }
  const partitions = options.partitions ?? 6
  if (!Number.isInteger(partitions) || partitions < 1) throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, `partitions of "${options.name}" must be a whole number ≥ 1`)
  const validator = Compile(options.schema)
  const name = options.name
  return Object.freeze({
    name,
    schema: options.schema,
    key: options.key ?? (() => undefined),
    serde: options.serde ?? (jsonSerde as Serde<T>),
    partitions,
    config: Object.freeze({ ...options.config }),
    validate (value: unknown): T {
      if (validator.Check(value)) return value as T
      const errors = [...validator.Errors(value)].filter(e => e.keyword !== 'boolean')
      const paths = [...new Set(errors.map(e => e.instancePath || '/'))]
      const detail = errors.slice(0, 5).map(e => `${e.instancePath || '/'} ${e.message}`).join('; ')
      throw new ClientError(ClientErrorCodes.INVALID_VALUE, `invalid value for topic "${name}": ${detail}`, { topic: name, paths })
    },
  })
}
