export const VerifyErrorCodes = {
  INVALID_OPTIONS: 'TACKLE_VERIFY_INVALID_OPTIONS',
} as const

export type VerifyErrorCode = (typeof VerifyErrorCodes)[keyof typeof VerifyErrorCodes]

export const verifyErrorFixes: Record<VerifyErrorCode, string> = {
  TACKLE_VERIFY_INVALID_OPTIONS: 'Correct the option named in the message; `tackle verify --help` lists the faults.',
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
