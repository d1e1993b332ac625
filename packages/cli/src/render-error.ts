import { inspect } from 'node:util'
import { ClientError, ClientErrorCodes, errorChain } from '@tackle/client'
import { CliError, CliErrorCodes, cliErrorFixes } from './errors.ts'
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
  // An admin request that failed because the connection did: no broker answers.
  if (error.code === ClientErrorCodes.ADMIN_FAILED && lostConnection(error)) return ExitCodes.UNREACHABLE
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

/** What `--json` prints on stdout for an error: `{"error":{"code","message","fix"}}`, the same facts as the text. */
export function errorJson (error: unknown): { error: { code: string, message: string, fix: string } } {
  if (error instanceof Error && error.name === 'AbortError') return { error: { code: CliErrorCodes.INTERRUPTED, message: 'interrupted', fix: cliErrorFixes[CliErrorCodes.INTERRUPTED] } }
  if (!isCoded(error)) return { error: { code: CliErrorCodes.UNEXPECTED, message: error instanceof Error ? error.message : String(error), fix: cliErrorFixes[CliErrorCodes.UNEXPECTED] } }
  return { error: { code: error.code, message: error.message, fix: error.fix ?? 'See --help for the command.' } }
}

// A connection that failed, as Node and the wire library say it, however deep in the causes.
const NETWORK_CODES = new Set(['PLT_KFK_NETWORK', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])

function lostConnection (error: unknown): boolean {
  return errorChain(error).some(e => NETWORK_CODES.has(String(e.code)))
}

/**
 * Every error as one of Tackle's, so each carries a message, a fix and a code: a lost connection
 * deep in a library's error is "no broker answers" (exit 2); anything else unforeseen names the
 * command that was running and the innermost reason (which names the file or broker).
 */
export function normalizeError (error: unknown, doing: string): unknown {
  if (isCoded(error) || (error instanceof Error && error.name === 'AbortError')) return error
  const chain = errorChain(error)
  const innermost = [...chain].reverse().find(e => typeof e.message === 'string' && e.message !== '')?.message as string | undefined
  const outer = error instanceof Error ? error.message : String(error)
  const reason = innermost && innermost !== outer ? `${outer}: ${innermost}` : outer
  if (lostConnection(error)) {
    return new ClientError(ClientErrorCodes.UNREACHABLE, `${doing} lost the cluster: ${reason}`, { cause: error })
  }
  return new CliError(CliErrorCodes.UNEXPECTED, `${doing} failed unexpectedly: ${reason}`, { cause: error })
}
