import { ExitCodes, type ExitCode } from './exit-codes.ts'

export const CliErrorCodes = {
  NO_BROKERS: 'TACKLE_CLI_NO_BROKERS',
  BAD_BROKERS: 'TACKLE_CLI_BAD_BROKERS',
  CONFIG_INVALID: 'TACKLE_CLI_CONFIG_INVALID',
  USAGE: 'TACKLE_CLI_USAGE',
  REFUSED: 'TACKLE_CLI_REFUSED',
  INTERRUPTED: 'TACKLE_CLI_INTERRUPTED',
  UNEXPECTED: 'TACKLE_CLI_UNEXPECTED',
} as const

export type CliErrorCode = (typeof CliErrorCodes)[keyof typeof CliErrorCodes]

export const cliErrorFixes: Record<CliErrorCode, string> = {
  TACKLE_CLI_NO_BROKERS: 'Pass --brokers HOST:PORT, set KAFKA_BROKERS, or start the local cluster with `tackle kafka up`.',
  TACKLE_CLI_BAD_BROKERS: 'Give brokers as HOST:PORT[,HOST:PORT...], for example 127.0.0.1:9092.',
  TACKLE_CLI_CONFIG_INVALID: 'Correct the setting named in the message (config file, or the TACKLE_* environment variable).',
  TACKLE_CLI_USAGE: 'See --help for the command.',
  TACKLE_CLI_REFUSED: 'Doing it now could lose data or availability; the message says what to do first.',
  TACKLE_CLI_INTERRUPTED: 'Interrupted (Ctrl-C or SIGTERM); what was done is kept. Run the command again to finish.',
  TACKLE_CLI_UNEXPECTED: 'An unforeseen condition: rerun with --verbose to see where it came from, and report it with that output.',
}

const exitCodes: Record<CliErrorCode, ExitCode> = {
  TACKLE_CLI_NO_BROKERS: ExitCodes.UNREACHABLE,
  TACKLE_CLI_BAD_BROKERS: ExitCodes.USAGE,
  TACKLE_CLI_CONFIG_INVALID: ExitCodes.USAGE,
  TACKLE_CLI_USAGE: ExitCodes.USAGE,
  TACKLE_CLI_REFUSED: ExitCodes.FAILED,
  TACKLE_CLI_INTERRUPTED: ExitCodes.INTERRUPTED,
  TACKLE_CLI_UNEXPECTED: ExitCodes.FAILED,
}

export class CliError extends Error {
  readonly code: CliErrorCode
  readonly canRetry = false
  readonly fix: string
  readonly exitCode: ExitCode

  constructor (code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CliError'
    this.code = code
    this.fix = cliErrorFixes[code]
    this.exitCode = exitCodes[code]
  }
}
