// `--cancel`: stops the moves under way, which go back to their original replicas (KIP-455), and
// removes the throttles. Moves already done stay done. It first checks that every original replica
// is online: cancelling onto a dead broker would leave partitions with fewer live replicas.
import { setTimeout as sleep } from 'node:timers/promises'
import { partitionName } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { lookWithin, resolveReassignOptions, type ReassignInput } from '../reassign/execute-moves.ts'
import { moveStatus } from '../reassign/move-progress.ts'
import { readReassignState } from '../reassign/reassign-state.ts'
import { removeState } from '../state-file.ts'
import { removeThrottlesVerified } from '../reassign/throttles.ts'
import type { ReassignmentReport } from './verify-reassignment.ts'

export interface CancelReport extends ReassignmentReport {
  cancelled: string[]
}

export async function cancelReassignment (given: ReassignInput): Promise<CancelReport> {
  const options = resolveReassignOptions(given)
  const deadline = Date.now() + options.deadlineMs
  const state = await readReassignState(options.stateFile)
  if (!state) throw new OpsError(OpsErrorCodes.NOTHING_TO_DO, `no reassignment in progress: ${options.stateFile} does not exist`)
  let { snapshot, running } = await lookWithin(options, deadline)
  const status = moveStatus(state.moves, snapshot, running, new Set())
  const live = new Set(snapshot.cluster.brokers.map(b => b.id))
  // Pending moves count too: the run that owns them may be about to start them.
  const down = [...new Set([...status.inFlight, ...status.pending].flatMap(m => m.from))].filter(b => !live.has(b))
  if (down.length > 0) {
    throw new OpsError(OpsErrorCodes.CANCEL_REFUSED, `not cancelling: brokers ${down.join(', ')} hold original replicas of unfinished moves and are down`, { brokerId: down[0] })
  }
  const cancelled = status.inFlight.map(partitionName)
  if (status.inFlight.length > 0) await options.admin.alterReassignments(status.inFlight.map(m => ({ topic: m.topic, partition: m.partition, replicas: null })))
  while (running.some(r => cancelled.includes(partitionName(r)))) {
    if (Date.now() > deadline) throw new OpsError(OpsErrorCodes.DEADLINE, 'deadline reached waiting for the cancelled moves to stop', { canRetry: true })
    await sleep(options.pollMs, undefined, { signal: options.signal });
    ({ snapshot, running } = await lookWithin(options, deadline))
  }
  await removeThrottlesVerified(options.admin, state.throttle, state.previousThrottles)
  await removeState(options.stateFile)
  return { purpose: state.purpose, complete: false, done: status.done.map(partitionName), inFlight: [], notStarted: status.pending.map(partitionName), throttlesRemoved: true, cancelled }
}
