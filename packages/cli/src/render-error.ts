import { inspect } from 'node:util'
import { ExitCodes, type ExitCode } from './exit-codes.ts'

interface CodedError {
  code: string
  message: string
  fix?: string
  exitCode?: ExitCode
}

function isCoded (error: unknown): error is CodedError {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('TACKLE_')
}

/** Errors are classified by code, never by class, so a package can change its classes freely. */
const EXIT_BY_CODE: Readonly<Record<string, ExitCode>> = {
  TACKLE_LOCAL_KAFKA_NOT_CREATED: ExitCodes.UNREACHABLE,
  TACKLE_LOCAL_KAFKA_INVALID_OPTIONS: ExitCodes.USAGE,
  TACKLE_LOCAL_KAFKA_NODE_UNKNOWN: ExitCodes.USAGE,
  TACKLE_LOCAL_KAFKA_TOOL_UNKNOWN: ExitCodes.USAGE,
  TACKLE_LOCAL_KAFKA_ABORTED: ExitCodes.INTERRUPTED,
  TACKLE_CLIENT_UNREACHABLE: ExitCodes.UNREACHABLE,
  TACKLE_CLIENT_INVALID_OPTIONS: ExitCodes.USAGE,
  TACKLE_OPS_INVALID_OPTIONS: ExitCodes.USAGE,
  TACKLE_OPS_OFFSET_OUT_OF_RANGE: ExitCodes.USAGE,
  TACKLE_VERIFY_INVALID_OPTIONS: ExitCodes.USAGE,
  TACKLE_PIPELINE_INVALID_OPTIONS: ExitCodes.USAGE,
  TACKLE_DASHBOARD_INVALID_OPTIONS: ExitCodes.USAGE,
  TACKLE_ANALYTICS_BAD_QUERY: ExitCodes.USAGE,
}

export function exitCodeOf (error: unknown): ExitCode {
  if (error instanceof Error && error.name === 'AbortError') return ExitCodes.INTERRUPTED
  if (!isCoded(error)) return ExitCodes.FAILED
  return error.exitCode ?? EXIT_BY_CODE[error.code] ?? ExitCodes.FAILED
}

/** The message and the fix; the stack and causes only with --verbose. */
export function renderError (error: unknown, verbose: boolean): string {
  if (error instanceof Error && error.name === 'AbortError') return 'tackle: interrupted\n'
  if (!isCoded(error)) {
    const message = error instanceof Error ? error.message : String(error)
    return verbose ? `tackle: ${inspect(error)}\n` : `tackle: ${message}\n  (an unexpected error; --verbose shows where it came from)\n`
  }
  const lines = [`tackle: ${error.message}`]
  if (error.fix) lines.push(`  fix: ${error.fix}`)
  lines.push(`  code: ${error.code}`)
  if (verbose) lines.push(inspect(error, { depth: 4 }))
  return lines.join('\n') + '\n'
}
