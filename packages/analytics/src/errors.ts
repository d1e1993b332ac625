export const AnalyticsErrorCodes = {
  BAD_QUERY: 'TACKLE_ANALYTICS_BAD_QUERY',
  PERSON_NOT_FOUND: 'TACKLE_ANALYTICS_PERSON_NOT_FOUND',
  QUERY_FAILED: 'TACKLE_ANALYTICS_QUERY_FAILED',
  BAD_EXPERIMENT: 'TACKLE_ANALYTICS_BAD_EXPERIMENT',
  EXPERIMENT_NOT_FOUND: 'TACKLE_ANALYTICS_EXPERIMENT_NOT_FOUND',
  EXPERIMENT_EXISTS: 'TACKLE_ANALYTICS_EXPERIMENT_EXISTS',
} as const

export type AnalyticsErrorCode = (typeof AnalyticsErrorCodes)[keyof typeof AnalyticsErrorCodes]

export const analyticsErrorFixes: Record<AnalyticsErrorCode, string> = {
  TACKLE_ANALYTICS_BAD_QUERY: 'Correct the query field named in the message; `GET /api/query/schema` (or `tackle query --schema`) prints the schema.',
  TACKLE_ANALYTICS_PERSON_NOT_FOUND: 'Check the id: any id the person was seen under finds it (a user id, an anonymous id, an alias).',
  TACKLE_ANALYTICS_QUERY_FAILED: 'The store could not run the query: check that it is reachable (TACKLE_DATABASE_URL, or the DuckDB file) and try again.',
  TACKLE_ANALYTICS_BAD_EXPERIMENT: 'Correct the experiment field named in the message: an id, at least one metric, variants with positive weights, rollout 0..100.',
  TACKLE_ANALYTICS_EXPERIMENT_NOT_FOUND: 'Check the id: `GET /api/experiments` lists the experiments defined and those seen in exposures.',
  TACKLE_ANALYTICS_EXPERIMENT_EXISTS: 'An experiment with this id exists: change it with `PUT /api/experiments/ID`, or choose another id.',
}

const HTTP_STATUS: Record<AnalyticsErrorCode, number> = {
  TACKLE_ANALYTICS_BAD_QUERY: 400,
  TACKLE_ANALYTICS_PERSON_NOT_FOUND: 404,
  TACKLE_ANALYTICS_QUERY_FAILED: 503,
  TACKLE_ANALYTICS_BAD_EXPERIMENT: 400,
  TACKLE_ANALYTICS_EXPERIMENT_NOT_FOUND: 404,
  TACKLE_ANALYTICS_EXPERIMENT_EXISTS: 409,
}

export class AnalyticsError extends Error {
  readonly code: AnalyticsErrorCode
  readonly canRetry: boolean
  readonly fix: string
  readonly statusCode: number
  /** The field at fault, as a JSON pointer ("/steps/1/event"), for a bad query or experiment. */
  readonly field: string | undefined

  constructor (code: AnalyticsErrorCode, message: string, options: { cause?: unknown, field?: string } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AnalyticsError'
    this.code = code
    this.canRetry = code === AnalyticsErrorCodes.QUERY_FAILED
    this.fix = analyticsErrorFixes[code]
    this.statusCode = HTTP_STATUS[code]
    this.field = options.field
  }
}
