// A reassignment in progress, on disk: the moves, which were submitted, and the throttles set with
// what they replaced. A rerun resumes from it; --verify and --cancel act on it.
import { readState, type StateFile } from '../state-file.ts'
import type { Move } from './plan-moves.ts'
import type { PreviousTopicThrottles, ThrottlePlan } from './throttles.ts'

export interface ReassignState extends StateFile {
  kind: 'reassignment'
  /** What it is for, e.g. "replace broker 3 with 4"; a different one is refused while this runs. */
  purpose: string
  moves: Move[]
  /** Partitions (topic-partition) handed to Kafka so far. */
  submitted: string[]
  throttle: ThrottlePlan
  previousThrottles: PreviousTopicThrottles
  /** Partition sizes when planned: what each new replica has to copy. */
  bytes: Record<string, number>
}

export function readReassignState (file: string): Promise<ReassignState | undefined> {
  return readState<ReassignState>(file, 'reassignment')
}
