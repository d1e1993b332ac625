export const VerifyErrorCodes = {
  INVALID_OPTIONS: 'TACKLE_VERIFY_INVALID_OPTIONS',
  SETUP_FAILED: 'TACKLE_VERIFY_SETUP_FAILED',
} as const

export type VerifyErrorCode = (typeof VerifyErrorCodes)[keyof typeof VerifyErrorCodes]

export const verifyErrorFixes: Record<VerifyErrorCode, string> = {
  TACKLE_VERIFY_INVALID_OPTIONS: 'Correct the option named in the message; `tackle verify --help` lists the faults.',
  TACKLE_VERIFY_SETUP_FAILED: 'A process of the verified pipeline (a collector, a processor or PostgreSQL) did not start: the message has the tail of its output. PostgreSQL needs its server binaries (Debian package postgresql).',
}

export class VerifyError extends Error {
  readonly code: VerifyErrorCode
  readonly canRetry: boolean
  readonly fix: string

  constructor (code: VerifyErrorCode, message: string, facts: { cause?: unknown, canRetry?: boolean } = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause })
    this.name = 'VerifyError'
    this.code = code
    this.canRetry = facts.canRetry ?? false
    this.fix = verifyErrorFixes[code]
  }
}
