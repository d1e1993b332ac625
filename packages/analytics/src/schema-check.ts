// The first error Ajv found, as the JSON pointer of the field at fault and what is wrong with it:
// an unknown field and a missing one are named themselves, not their parent.
import type { ErrorObject, ValidateFunction } from 'ajv'

export function firstSchemaError (validate: ValidateFunction, noun: string): { field: string, what: string } {
  const error = validate.errors?.[0] as ErrorObject
  if (error.keyword === 'additionalProperties') return { field: `${error.instancePath}/${String(error.params.additionalProperty)}`, what: `is not a field of this ${noun}` }
  if (error.keyword === 'required') return { field: `${error.instancePath}/${String(error.params.missingProperty)}`, what: 'is required' }
  if (error.keyword === 'enum') return { field: error.instancePath, what: `must be one of ${(error.params.allowedValues as string[]).join(', ')}` }
  return { field: error.instancePath, what: error.message ?? 'is invalid' }
}
