// `--verify`: how far the reassignment in the state file is. Once every move is done it removes the
// throttles, reads the configs back, and forgets the state, as kafka-reassign-partitions --verify does.
import { partitionName } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { lookWithin, resolveReassignOptions, type ReassignInput } from '../reassign/execute-moves.ts'
import { moveStatus } from '../reassign/move-progress.ts'
import { readReassignState } from '../reassign/reassign-state.ts'
import { removeState } from '../state-file.ts'
import { removeThrottlesVerified } from '../reassign/throttles.ts'

export interface ReassignmentReport {
  purpose: string
  complete: boolean
  done: string[]
  inFlight: string[]
  notStarted: string[]
  /** True once the throttles were removed and read back as gone. */
  throttlesRemoved: boolean
}

export async function verifyReassignment (given: ReassignInput): Promise<ReassignmentReport> {
  const options = resolveReassignOptions(given)
  const state = await readReassignState(options.stateFile)
  if (!state) throw new OpsError(OpsErrorCodes.NOTHING_TO_DO, `no reassignment in progress: ${options.stateFile} does not exist`)
  const { snapshot, running } = await lookWithin(options, Date.now() + options.deadlineMs)
  const status = moveStatus(state.moves, snapshot, running, new Set())
  const complete = status.done.length === state.moves.length
  if (complete) {
    await removeThrottlesVerified(options.admin, state.throttle, state.previousThrottles)
    await removeState(options.stateFile)
  }
  return { purpose: state.purpose, complete, done: status.done.map(partitionName), inFlight: status.inFlight.map(partitionName), notStarted: status.pending.map(partitionName), throttlesRemoved: complete }
}
