// What a verification run saw, as plain data: every send with its outcome, every record the
// consumers read along, the final full read, and the fault episodes. The checker judges this alone,
// so a run's history (written as JSON lines) can be checked again, or by hand.

/** ok: acknowledged at partition/offset. failed: definitely not written. indeterminate: may have been. */
export type SendOutcome = 'ok' | 'failed' | 'indeterminate'

export interface SendOp {
  producer: string
  sequence: number
  value: string
  /** When the send was handed over and when it settled, in ms since the epoch. */
  sentAt: number
  settledAt: number
  outcome: SendOutcome
  partition?: number
  offset?: bigint
  error?: string
}

export interface ReadOp {
  value: string
  partition: number
  offset: bigint
}

export interface PollOp extends ReadOp {
  consumer: string
  at: number
}

export interface Episode {
  index: number
  fault: string
  /** What the fault did, e.g. "SIGKILL node 2 (leader of p0)". */
  detail: string
  startedAt: number
  healedAt: number
  /** When every producer had an acknowledgement again after the heal; null if that never happened. */
  recoveredAt: number | null
}

export interface History {
  sends: SendOp[]
  polls: PollOp[]
  final: ReadOp[]
  episodes: Episode[]
}
