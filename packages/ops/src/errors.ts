export const OpsErrorCodes = {
  UNHEALTHY: 'TACKLE_OPS_UNHEALTHY',
  GATE_BLOCKED: 'TACKLE_OPS_GATE_BLOCKED',
  REGRESSION: 'TACKLE_OPS_REGRESSION',
  DEADLINE: 'TACKLE_OPS_DEADLINE',
  RESTART_FAILED: 'TACKLE_OPS_RESTART_FAILED',
  STATE_MISMATCH: 'TACKLE_OPS_STATE_MISMATCH',
  BROKER_UNKNOWN: 'TACKLE_OPS_BROKER_UNKNOWN',
  INVALID_OPTIONS: 'TACKLE_OPS_INVALID_OPTIONS',
  REASSIGNMENT_RUNNING: 'TACKLE_OPS_REASSIGNMENT_RUNNING',
  DESTINATION_DOWN: 'TACKLE_OPS_DESTINATION_DOWN',
  CANCEL_REFUSED: 'TACKLE_OPS_CANCEL_REFUSED',
  THROTTLE_LEFT: 'TACKLE_OPS_THROTTLE_LEFT',
  NOTHING_TO_DO: 'TACKLE_OPS_NOTHING_TO_DO',
  GROUP_ACTIVE: 'TACKLE_OPS_GROUP_ACTIVE',
  GROUP_NOT_FOUND: 'TACKLE_OPS_GROUP_NOT_FOUND',
  OFFSET_OUT_OF_RANGE: 'TACKLE_OPS_OFFSET_OUT_OF_RANGE',
  TOPIC_NOT_FOUND: 'TACKLE_OPS_TOPIC_NOT_FOUND',
  TOPIC_IN_USE: 'TACKLE_OPS_TOPIC_IN_USE',
  READ_BACK_MISMATCH: 'TACKLE_OPS_READ_BACK_MISMATCH',
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
  TACKLE_OPS_REASSIGNMENT_RUNNING: 'A reassignment Tackle did not start is running (the message names its partitions). Wait for it to finish, or pass --additional to run alongside it.',
  TACKLE_OPS_DESTINATION_DOWN: 'A broker replicas are moving to went down, so those moves cannot finish. Bring it back and rerun to resume, or run the same command with --cancel.',
  TACKLE_OPS_CANCEL_REFUSED: 'Cancelling would move replicas back onto brokers that are down (named in the message). Bring them back first, or let the reassignment finish (--verify).',
  TACKLE_OPS_THROTTLE_LEFT: 'Replication throttles did not read back as set (before moving) or as removed (at the end); the message names them. Rerun, or with --verify, to set or remove them again.',
  TACKLE_OPS_NOTHING_TO_DO: 'There is no reassignment of this kind in progress (no state file); start one first.',
  TACKLE_OPS_GROUP_ACTIVE: 'The group has active members (named in the message), whose commits would overwrite the change. Stop those consumers, check `tackle group describe GROUP` shows no members, then rerun.',
  TACKLE_OPS_GROUP_NOT_FOUND: 'No such consumer group; `tackle group list` lists them.',
  TACKLE_OPS_OFFSET_OUT_OF_RANGE: 'The offset asked for is outside what the log holds; the message gives each partition\'s valid range. Pick an offset inside it, or --to earliest / latest.',
  TACKLE_OPS_TOPIC_NOT_FOUND: 'No such topic; `tackle topic list` lists them.',
  TACKLE_OPS_TOPIC_IN_USE: 'Consumer groups with active members read the topic (named in the message). Stop them first, or delete it later.',
  TACKLE_OPS_READ_BACK_MISMATCH: 'The offsets read back after the commit are not the ones committed (the message names them): another client committed at the same time. Check `tackle group describe GROUP` and rerun.',
}

export interface OpsErrorFacts {
  cause?: unknown
  canRetry?: boolean
  brokerId?: number
  /** Partitions the problem is about, as topic-partition. */
  partitions?: string[]
  group?: string
  topic?: string
}

export class OpsError extends Error {
  readonly code: OpsErrorCode
  readonly canRetry: boolean
  readonly fix: string
  readonly brokerId: number | undefined
  readonly partitions: string[]
  readonly group: string | undefined
  readonly topic: string | undefined

  constructor (code: OpsErrorCode, message: string, facts: OpsErrorFacts = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause })
    this.name = 'OpsError'
    this.code = code
    this.canRetry = facts.canRetry ?? false
    this.fix = opsErrorFixes[code]
    this.brokerId = facts.brokerId
    this.partitions = facts.partitions ?? []
    this.group = facts.group
    this.topic = facts.topic
  }
}
