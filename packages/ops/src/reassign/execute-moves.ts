// Runs a planned set of moves to the end, the way the Ops issue asks: refuse to start beside a
// reassignment Tackle did not start; throttle only the brokers and replicas involved; start at most
// a few moves per broker at a time; start none while a partition sits at min ISR and stop if one
// falls under it; stop when a destination dies (a reassignment onto a dead broker never ends);
// report bytes copied; at the end remove every throttle and read the configs back to prove it.
// Everything is in a state file, so a rerun of the same operation resumes instead of starting over.
import { setTimeout as sleep } from 'node:timers/promises'
import { ClientError, ClientErrorCodes, type ClusterAdmin } from '@tackle/client'
import { partitionName, takeSnapshot, type ClusterSnapshot } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { removeState, writeState } from '../state-file.ts'
import { moveStatus, nextMoves, type MoveStatus } from './move-progress.ts'
import { partitionSizes } from './partition-sizes.ts'
import { moveEnds, type Move } from './plan-moves.ts'
import { readReassignState, type ReassignState } from './reassign-state.ts'
import { applyThrottlesVerified, currentTopicThrottles, planThrottles, removeThrottlesVerified } from './throttles.ts'

export type ReassignProgress =
  | { phase: 'resume', done: number, total: number }
  | { phase: 'throttle', brokers: number[], topics: string[], bytesPerSec: number }
  | { phase: 'move', done: number, inFlight: number, total: number, bytesCopied: number, bytesTotal: number, paused: string | null, elapsedMs: number }
  | { phase: 'cleanup' }

export interface ReassignOptions {
  admin: ClusterAdmin
  stateFile: string
  throttleBytesPerSec: number
  maxMovesPerBroker: number
  /** Run beside a reassignment Tackle did not start. */
  additional: boolean
  pollMs: number
  deadlineMs: number
  /**
   * How long no broker may answer before the run gives up (exit 2): a controller failover passes
   * within it, a cluster that is gone does not wait out the deadline. The moves go on in the
   * cluster and the state file keeps them, so a rerun resumes.
   */
  unreachableGraceMs: number
  onProgress?: (event: ReassignProgress) => void
  signal?: AbortSignal
}

/** What callers give: the admin and state file, and any options to change. */
export type ReassignInput = Partial<ReassignOptions> & Pick<ReassignOptions, 'admin' | 'stateFile'>

export const defaultReassignOptions = Object.freeze({
  // Safe beside production traffic on common disks and networks; raise it for an empty cluster.
  throttleBytesPerSec: 50 * 1024 * 1024,
  // Cruise Control's default for concurrent partition movements per broker.
  maxMovesPerBroker: 5,
  additional: false,
  pollMs: 1_000,
  deadlineMs: 6 * 3_600_000,
  unreachableGraceMs: 60_000,
})

export interface ReassignResult {
  purpose: string
  moves: Move[]
  bytesCopied: number
  durationMs: number
  throttledBrokers: number[]
  resumed: boolean
}

export function resolveReassignOptions (given: ReassignInput): ReassignOptions {
  const options = { ...defaultReassignOptions, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as ReassignOptions
  if (!(options.throttleBytesPerSec >= 1024)) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `throttle must be at least 1 KiB/s, got ${options.throttleBytesPerSec} bytes/s`)
  if (!Number.isInteger(options.maxMovesPerBroker) || options.maxMovesPerBroker < 1) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `max moves per broker must be a whole number of at least 1, got ${options.maxMovesPerBroker}`)
  if (!(options.deadlineMs > 0)) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `deadline must be positive, got ${options.deadlineMs} ms`)
  return options
}

function names (partitions: ReadonlyArray<{ topic: string, partition: number }>, max = 5): string {
  return partitions.slice(0, max).map(partitionName).join(', ') + (partitions.length > max ? `, and ${partitions.length - max} more` : '')
}

/** A look at the cluster, tried again at the next poll while brokers do not answer, until the deadline or the unreachable grace. */
export async function lookWithin (options: Pick<ReassignOptions, 'admin' | 'pollMs' | 'signal'> & Partial<Pick<ReassignOptions, 'unreachableGraceMs'>>, deadline: number): Promise<{ snapshot: ClusterSnapshot, running: Awaited<ReturnType<ClusterAdmin['listReassignments']>> }> {
  const grace = options.unreachableGraceMs ?? defaultReassignOptions.unreachableGraceMs
  let unreachableSince: number | undefined
  while (true) {
    try {
      const [snapshot, running] = await Promise.all([takeSnapshot(options.admin), options.admin.listReassignments()])
      return { snapshot, running }
    } catch (error) {
      if (!(error as { canRetry?: boolean }).canRetry || Date.now() > deadline) throw error
      if ((error as { code?: string }).code === ClientErrorCodes.UNREACHABLE) {
        unreachableSince ??= Date.now()
        if (Date.now() - unreachableSince >= grace) {
          throw new ClientError(ClientErrorCodes.UNREACHABLE, `no broker answered for ${Math.round(grace / 1000)} s; what was started goes on in the cluster, and a rerun resumes from the state file`, { cause: error, canRetry: true })
        }
      } else {
        unreachableSince = undefined
      }
      await sleep(options.pollMs, undefined, { signal: options.signal })
    }
  }
}

/** Appends to the list under key, pushing rather than copying: a reassignment can hold thousands of moves. */
function addTo<K, V> (groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key)
  if (list) list.push(value)
  else groups.set(key, [value])
}

/** Bytes the new replicas hold so far: per adding broker, one describe-log-dirs call. */
async function bytesCopied (admin: ClusterAdmin, state: ReassignState, status: MoveStatus): Promise<number> {
  const full = (move: Move) => (state.bytes[partitionName(move)] ?? 0) * moveEnds(move).adding.length
  let copied = status.done.reduce((sum, move) => sum + full(move), 0)
  const perBroker = new Map<number, Move[]>()
  for (const move of status.inFlight) for (const b of moveEnds(move).adding) addTo(perBroker, b, move)
  for (const [broker, moves] of perBroker) {
    const sizes = await admin.replicaSizes(broker, moves).catch(() => new Map<string, Map<number, bigint>>())
    for (const move of moves) copied += Math.min(Number(sizes.get(move.topic)?.get(move.partition) ?? 0n), state.bytes[partitionName(move)] ?? 0)
  }
  return copied
}

/** Each moving partition's size on its leader now. */
async function partitionBytes (admin: ClusterAdmin, moves: readonly Move[], snapshot: ClusterSnapshot): Promise<Record<string, number>> {
  const leaders = new Map(snapshot.partitions.map(p => [partitionName(p), p.leader]))
  return Object.fromEntries(await partitionSizes(admin, moves.map(m => ({ topic: m.topic, partition: m.partition, leader: leaders.get(partitionName(m)) ?? -1 }))))
}

/**
 * Moves `moves` for `purpose`, or resumes the reassignment in the state file when it has the same
 * purpose. `leaving` are the brokers being emptied: their replicas being out of sync is expected.
 */
export async function executeMoves (purpose: string, plan: () => Move[] | Promise<Move[]>, leaving: readonly number[], given: ReassignInput): Promise<ReassignResult> {
  const options = resolveReassignOptions(given)
  const { admin } = options
  const began = Date.now()
  const deadline = began + options.deadlineMs
  const leavingSet = new Set(leaving)
  let { snapshot, running } = await lookWithin(options, deadline)
  let state = await readReassignState(options.stateFile)
  if (state && (state.clusterId !== snapshot.cluster.clusterId || state.purpose !== purpose)) {
    throw new OpsError(OpsErrorCodes.STATE_MISMATCH, `${options.stateFile} holds another reassignment (${state.purpose}) of cluster ${state.clusterId}; finish it with --verify or stop it with --cancel`)
  }
  const resumed = state !== undefined
  const ours = new Set(state?.submitted ?? [])
  const foreign = running.filter(r => !ours.has(partitionName(r)))
  if (foreign.length > 0 && !options.additional) {
    throw new OpsError(OpsErrorCodes.REASSIGNMENT_RUNNING, `${foreign.length} partitions are being reassigned by someone else: ${names(foreign)}`, { partitions: foreign.map(partitionName) })
  }
  if (state) {
    options.onProgress?.({ phase: 'resume', done: moveStatus(state.moves, snapshot, running, leavingSet).done.length, total: state.moves.length })
  } else {
    const moves = await plan()
    const live = snapshot.cluster.brokers.map(b => b.id)
    const down = [...new Set(moves.flatMap(m => moveEnds(m).adding))].filter(b => !live.includes(b))
    if (down.length > 0) throw new OpsError(OpsErrorCodes.DESTINATION_DOWN, `brokers ${down.join(', ')} would receive replicas but are not registered and unfenced`, { brokerId: down[0] })
    const under = moveStatus(moves, snapshot, running, leavingSet).underMinIsr
    if (under.length > 0) throw new OpsError(OpsErrorCodes.UNHEALTHY, `not starting: ${under.length} partitions are under min ISR: ${names(under)}`, { partitions: under.map(partitionName) })
    const topics = [...new Set(moves.map(m => m.topic))]
    const previousThrottles = await currentTopicThrottles(admin, topics)
    const now = new Date().toISOString()
    state = {
      format: 1, kind: 'reassignment', clusterId: snapshot.cluster.clusterId, startedAt: now, updatedAt: now, purpose, moves, submitted: [],
      throttle: planThrottles(moves, live, options.throttleBytesPerSec, previousThrottles), previousThrottles, bytes: await partitionBytes(admin, moves, snapshot),
    }
    // The state goes first: a run killed while throttling leaves a record of what to remove.
    await writeState(options.stateFile, state)
    options.onProgress?.({ phase: 'throttle', brokers: state.throttle.brokers, topics: Object.keys(state.throttle.topics), bytesPerSec: state.throttle.bytesPerSec })
    await applyThrottlesVerified(admin, state.throttle, previousThrottles)
  }

  const bytesTotal = state.moves.reduce((sum, m) => sum + (state.bytes[partitionName(m)] ?? 0) * moveEnds(m).adding.length, 0)
  let copied = 0
  while (true) {
    options.signal?.throwIfAborted()
    const status = moveStatus(state.moves, snapshot, running, leavingSet)
    if (status.underMinIsr.length > 0) {
      throw new OpsError(OpsErrorCodes.REGRESSION, `stopped: ${status.underMinIsr.length} partitions fell under min ISR: ${names(status.underMinIsr)}. Moves under way go on throttled; rerun to resume once they are back in sync, or --cancel`, { partitions: status.underMinIsr.map(partitionName) })
    }
    const stuck = status.stuck[0]
    if (stuck) {
      throw new OpsError(OpsErrorCodes.DESTINATION_DOWN, `broker ${stuck.brokers.join(', ')} went down while receiving ${names(status.stuck.map(s => s.move))}`, { brokerId: stuck.brokers[0], partitions: status.stuck.map(s => partitionName(s.move)) })
    }
    copied = await bytesCopied(admin, state, status)
    if (status.done.length === state.moves.length) break
    const paused = status.atMinIsr.length > 0 ? `${status.atMinIsr.length} partitions at min ISR (${names(status.atMinIsr, 3)})` : null
    if (!paused) {
      const next = nextMoves(status, options.maxMovesPerBroker)
      if (next.length > 0) {
        state.submitted.push(...next.map(partitionName))
        await writeState(options.stateFile, state)
        await admin.alterReassignments(next.map(m => ({ topic: m.topic, partition: m.partition, replicas: m.to })))
      }
    }
    options.onProgress?.({ phase: 'move', done: status.done.length, inFlight: status.inFlight.length, total: state.moves.length, bytesCopied: copied, bytesTotal, paused, elapsedMs: Date.now() - began })
    if (Date.now() > deadline) throw new OpsError(OpsErrorCodes.DEADLINE, `deadline reached with ${state.moves.length - status.done.length} of ${state.moves.length} moves unfinished; the moves under way go on throttled`, { canRetry: true })
    await sleep(options.pollMs, undefined, { signal: options.signal });
    ({ snapshot, running } = await lookWithin(options, deadline))
  }
  options.onProgress?.({ phase: 'move', done: state.moves.length, inFlight: 0, total: state.moves.length, bytesCopied: copied, bytesTotal, paused: null, elapsedMs: Date.now() - began })
  options.onProgress?.({ phase: 'cleanup' })
  await removeThrottlesVerified(admin, state.throttle, state.previousThrottles)
  await removeState(options.stateFile)
  return { purpose, moves: state.moves, bytesCopied: copied, durationMs: Date.now() - began, throttledBrokers: state.throttle.brokers, resumed }
}
