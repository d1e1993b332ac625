export const DashboardErrorCodes = {
  INVALID_OPTIONS: 'TACKLE_DASHBOARD_INVALID_OPTIONS',
  UNAUTHORIZED: 'TACKLE_DASHBOARD_UNAUTHORIZED',
  BAD_QUERY: 'TACKLE_DASHBOARD_BAD_QUERY',
  /** An answer that failed for a reason without a code of its own (HTTP 500). */
  ERROR: 'TACKLE_DASHBOARD_ERROR',
} as const

export type DashboardErrorCode = (typeof DashboardErrorCodes)[keyof typeof DashboardErrorCodes]

export const dashboardErrorFixes: Record<DashboardErrorCode, string> = {
  TACKLE_DASHBOARD_INVALID_OPTIONS: 'Correct the dashboard setting named in the message (TACKLE_DASHBOARD_TOKEN, TACKLE_DASHBOARD_PORT).',
  TACKLE_DASHBOARD_UNAUTHORIZED: 'Send the dashboard token as "Authorization: Bearer TOKEN"; `npm start` prints it, TACKLE_DASHBOARD_TOKEN sets it.',
  TACKLE_DASHBOARD_BAD_QUERY: 'Correct the query parameter named in the message.',
  TACKLE_DASHBOARD_ERROR: 'The dashboard could not answer for a reason the message names (the store or the cluster away, say). Retry; if it persists, check `tackle health` and the server\'s log.',
}

const HTTP_STATUS: Record<DashboardErrorCode, number> = {
  TACKLE_DASHBOARD_INVALID_OPTIONS: 500,
  TACKLE_DASHBOARD_UNAUTHORIZED: 401,
  TACKLE_DASHBOARD_BAD_QUERY: 400,
  TACKLE_DASHBOARD_ERROR: 500,
}

export class DashboardError extends Error {
  readonly code: DashboardErrorCode
  readonly canRetry = false
  readonly fix: string
  readonly statusCode: number

  constructor (code: DashboardErrorCode, message: string) {
    super(message)
    this.name = 'DashboardError'
    this.code = code
    this.fix = dashboardErrorFixes[code]
    this.statusCode = HTTP_STATUS[code]
  }
}
