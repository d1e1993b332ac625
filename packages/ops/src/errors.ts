export const OpsErrorCodes = {
  UNHEALTHY: 'TACKLE_OPS_UNHEALTHY',
  GATE_BLOCKED: 'TACKLE_OPS_GATE_BLOCKED',
  REGRESSION: 'TACKLE_OPS_REGRESSION',
  DEADLINE: 'TACKLE_OPS_DEADLINE',
  RESTART_FAILED: 'TACKLE_OPS_RESTART_FAILED',
  STATE_MISMATCH: 'TACKLE_OPS_STATE_MISMATCH',
  BROKER_UNKNOWN: 'TACKLE_OPS_BROKER_UNKNOWN',
  INVALID_OPTIONS: 'TACKLE_OPS_INVALID_OPTIONS',
} as const

export type OpsErrorCode = (typeof OpsErrorCodes)[keyof typeof OpsErrorCodes]

export const opsErrorFixes: Record<OpsErrorCode, string> = {
  TACKLE_OPS_UNHEALTHY: 'The cluster is not healthy; `tackle health` names each problem. Fix those first.',
  TACKLE_OPS_GATE_BLOCKED: 'Restarting that broker now would make partitions unavailable; the message names them. Wait for them to be back in sync (`tackle health`), then rerun: the roll resumes where it stopped.',
  TACKLE_OPS_REGRESSION: 'The cluster got worse during the roll, which stopped at once; the message names the partitions. Investigate the broker named, then rerun to resume.',
  TACKLE_OPS_DEADLINE: 'The operation ran past --deadline while waiting for the condition named. Rerun with a longer --deadline: it resumes where it stopped.',
  TACKLE_OPS_RESTART_FAILED: 'The driver could not restart the broker; the cause has its output. Fix the restart command or the host, then rerun to resume.',
  TACKLE_OPS_STATE_MISMATCH: 'The roll state file belongs to another cluster or plan; delete it (the path is in the message) to start a new roll.',
  TACKLE_OPS_BROKER_UNKNOWN: 'No such broker in the cluster; `tackle health` lists the brokers.',
  TACKLE_OPS_INVALID_OPTIONS: 'Correct the option named in the message.',
}

export interface OpsErrorFacts {
  cause?: unknown
  canRetry?: boolean
  brokerId?: number
  /** Partitions the problem is about, as topic-partition. */
  partitions?: string[]
}

export class OpsError extends Error {
  readonly code: OpsErrorCode
  readonly canRetry: boolean
  readonly fix: string
  readonly brokerId: number | undefined
  readonly partitions: string[]

  constructor (code: OpsErrorCode, message: string, facts: OpsErrorFacts = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause })
    this.name = 'OpsError'
    this.code = code
    this.canRetry = facts.canRetry ?? false
    this.fix = opsErrorFixes[code]
    this.brokerId = facts.brokerId
    this.partitions = facts.partitions ?? []
  }
}
