// Config validation errors in the user's words: the key or environment variable they set, what
// it must be (a whole number from 1 to 9, one of warn, enforce), and what they gave, unless secret.
import type { TSchema } from 'typebox'
import Value from 'typebox/value'

interface SchemaFacts {
  type?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minLength?: number
  minItems?: number
  const?: unknown
  anyOf?: SchemaFacts[]
  properties?: Record<string, SchemaFacts>
}

const SECRET = /token|password|salt|secret|databaseUrl/i

/** The sub-schema a TypeBox error's schemaPath (`#/properties/kafka/properties/nodes`) points at. */
function schemaAt (schema: TSchema, pointer: string): SchemaFacts | undefined {
  let at: unknown = schema
  for (const token of pointer.replace(/^#\/?/, '').split('/').filter(t => t !== '')) {
    at = (at as Record<string, unknown> | undefined)?.[token.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return at as SchemaFacts | undefined
}

function range (facts: SchemaFacts): string {
  if (facts.minimum !== undefined && facts.maximum !== undefined) return ` from ${facts.minimum} to ${facts.maximum}`
  if (facts.minimum !== undefined) return ` of at least ${facts.minimum}`
  if (facts.exclusiveMinimum !== undefined) return ` greater than ${facts.exclusiveMinimum}`
  if (facts.maximum !== undefined) return ` of at most ${facts.maximum}`
  return ''
}

/** What a value under `facts` must be, in words. */
export function requirement (facts: SchemaFacts): string {
  const choices = facts.anyOf?.map(s => s.const).filter(c => c !== undefined)
  if (choices?.length) return `must be one of: ${choices.join(', ')}`
  if (facts.type === 'integer') return `must be a whole number${range(facts)}`
  if (facts.type === 'number') return `must be a number${range(facts)}`
  if (facts.type === 'string') return facts.minLength && facts.minLength > 1 ? `must be text of at least ${facts.minLength} characters` : 'must be non-empty text'
  if (facts.type === 'boolean') return 'must be true or false'
  if (facts.type === 'array') return facts.minItems ? `must list at least ${facts.minItems} item${facts.minItems > 1 ? 's' : ''}` : 'must be a list'
  if (facts.type === 'object') return 'must be an object'
  return 'is not valid'
}

function valueAt (value: unknown, instancePath: string): unknown {
  return instancePath.split('/').slice(1).reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value)
}

/**
 * One line per wrong setting. `nameOf` turns an instance path (`/kafka/nodes`) into the name the
 * user set it under (`TACKLE_KAFKA_NODES`, or `kafka.nodes` in a file).
 */
export function configProblems (schema: TSchema, value: unknown, nameOf: (instancePath: string) => string): string[] {
  const problems = new Map<string, string>()
  for (const error of Value.Errors(schema, value)) {
    if (error.keyword === 'boolean' || error.keyword === 'const') continue
    if (error.keyword === 'required') {
      for (const key of (error.params as { requiredProperties?: string[] }).requiredProperties ?? []) problems.set(`${error.instancePath}/${key}`, `${nameOf(`${error.instancePath}/${key}`)} is required`)
      continue
    }
    if (error.keyword === 'additionalProperties') {
      const unknown = (error.params as { additionalProperties?: string[] }).additionalProperties ?? []
      const known = Object.keys(schemaAt(schema, error.schemaPath)?.properties ?? {})
      for (const key of unknown) problems.set(`${error.instancePath}/${key}`, `${nameOf(`${error.instancePath}/${key}`)} is not a setting${known.length ? `; the settings there are ${known.join(', ')}` : ''}`)
      continue
    }
    if (problems.has(error.instancePath)) continue
    const facts = schemaAt(schema, error.schemaPath)
    const name = nameOf(error.instancePath)
    const given = valueAt(value, error.instancePath)
    const shown = SECRET.test(error.instancePath) || given === undefined ? '' : ` (got ${JSON.stringify(given)})`
    problems.set(error.instancePath, `${name} ${facts ? requirement(facts) : error.message}${shown}`)
  }
  return [...problems.values()]
}
