// Ids that must never drive a merge: generic values that stem from a bug in the caller (an
// unset variable, a stringified object). The lists are PostHog's ingestion's (person-utils.ts,
// isDistinctIdIllegal): some are illegal in any casing, others only exactly as cased, and both
// also when wrapped in single or double quotes; an empty or blank id is illegal too.
const CASE_INSENSITIVE = ['anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false']
const CASE_SENSITIVE = ['[object Object]', 'NaN', 'None', 'none', 'null', '0', 'undefined']

const quoted = (ids: string[]) => ids.flatMap(id => [id, `'${id}'`, `"${id}"`])
const INSENSITIVE = new Set(quoted(CASE_INSENSITIVE))
const SENSITIVE = new Set(quoted(CASE_SENSITIVE))

export function isIllegalId (id: string): boolean {
  const trimmed = id.trim()
  return trimmed === '' || INSENSITIVE.has(trimmed.toLowerCase()) || SENSITIVE.has(trimmed)
}
