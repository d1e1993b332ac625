/** What `tackle` exits with; documented in README.md under "Exit codes". */
export const ExitCodes = {
  OK: 0,
  /** The operation ran and failed, or found a problem (an unhealthy cluster). */
  FAILED: 1,
  /** No cluster could be reached or found. */
  UNREACHABLE: 2,
  /** The command line or the configuration is wrong (sysexits' EX_USAGE). */
  USAGE: 64,
  /** Interrupted by Ctrl-C. */
  INTERRUPTED: 130,
} as const

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes]
