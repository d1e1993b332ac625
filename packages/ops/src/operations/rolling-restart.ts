// A health-gated rolling restart: ensure healthy, restart one broker, wait, ensure healthy again.
// The gate before each broker is Strimzi's canRoll (roll/can-roll.ts). After each restart the
// roll waits on conditions, never a fixed sleep: the broker registered and unfenced, all its
// replicas back in the ISR, its preferred leaderships restored, the whole cluster healthy. The
// only timeout is the operator's deadline, so a broker still catching up is never given up on.
// Unhealthy brokers go first and the active controller last (re-decided before each step, as the
// controller can move). A regression (a partition offline or under min ISR that the gate did not
// expect) stops the roll at once. Progress is kept in a state file: a rerun resumes, and never
// restarts a broker twice.
import { setTimeout as sleep } from 'node:timers/promises'
import type { ClusterAdmin } from '@tackle/client'
import { partitionName, takeSnapshot, type ClusterSnapshot } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { assessHealth, caughtUpVoters, defaultHealthOptions, type HealthOptions } from './check-health.ts'
import { canRoll, type GateVerdict } from '../roll/can-roll.ts'
import type { BrokerAddress, RestartDriver } from '../roll/restart-driver.ts'
import { readRollState, removeRollState, writeRollState, type RollState } from '../roll/roll-state.ts'

export type WaitCondition = 'registered' | 'in-sync' | 'preferred-leaders' | 'healthy'

export type RollProgress =
  | { phase: 'resume', done: number[], restarting: number | null }
  | { phase: 'gate', verdict: GateVerdict }
  | { phase: 'restart', brokerId: number, index: number, total: number }
  | { phase: 'wait', brokerId: number, index: number, total: number, condition: WaitCondition, detail: string, elapsedMs: number }
  | { phase: 'restarted', brokerId: number, index: number, total: number, restartMs: number, catchUpMs: number }

export interface RollPlanEntry {
  brokerId: number
  why: 'unhealthy' | 'broker' | 'active-controller'
  verdict: GateVerdict
}

export interface RestartTiming {
  brokerId: number
  /** The driver's restart: controlled shutdown, start, and (local driver) until unfenced. */
  restartMs: number
  /** From the restart's end until in sync, preferred leaders back, and the cluster healthy. */
  catchUpMs: number
  /** Not restarted by this roll: it was in log recovery, or the roll had restarted it before being killed. */
  resumedOnly?: true
}

export interface RollResult {
  dryRun: boolean
  plan: RollPlanEntry[]
  /** Brokers an earlier, interrupted run of this roll had already restarted. */
  alreadyDone: number[]
  restarted: RestartTiming[]
  durationMs: number
}

export interface RollingRestartOptions {
  admin: ClusterAdmin
  driver: RestartDriver
  stateFile: string
  /** Every broker the cluster should have; undefined takes the registered ones and replica holders. */
  expectedBrokers?: readonly number[]
  deadlineMs: number
  dryRun: boolean
  pollMs: number
  health: HealthOptions
  onProgress?: (event: RollProgress) => void
  signal?: AbortSignal
}

export const defaultRollingRestartOptions = Object.freeze({
  deadlineMs: 30 * 60_000,
  dryRun: false,
  pollMs: 1_000,
  health: defaultHealthOptions,
})

type Options = RollingRestartOptions

/** Brokers that are themselves a problem: missing, out of sync somewhere, or a lagging controller. */
function unhealthyBrokers (snapshot: ClusterSnapshot, health: HealthOptions): Set<number> {
  const registered = new Set(snapshot.cluster.brokers.map(b => b.id))
  const bad = new Set(snapshot.expectedBrokers.filter(id => !registered.has(id)))
  for (const p of snapshot.partitions) for (const r of p.replicas) if (!p.isr.includes(r) || p.offlineReplicas.includes(r)) bad.add(r)
  const caughtUp = new Set(caughtUpVoters(snapshot, health))
  for (const v of snapshot.quorum?.voters ?? []) if (!caughtUp.has(v.id)) bad.add(v.id)
  return bad
}

/** Unhealthy first, then the rest by id, the active controller last. */
export function rollOrder (snapshot: ClusterSnapshot, remaining: readonly number[], health: HealthOptions = defaultHealthOptions): Array<{ brokerId: number, why: RollPlanEntry['why'] }> {
  const unhealthy = unhealthyBrokers(snapshot, health)
  const controller = snapshot.quorum?.leaderId ?? snapshot.cluster.controllerId
  const rank = (id: number) => unhealthy.has(id) ? 0 : id === controller ? 2 : 1
  return [...remaining].sort((a, b) => rank(a) - rank(b) || a - b).map(brokerId => ({
    brokerId,
    why: unhealthy.has(brokerId) ? 'unhealthy' : brokerId === controller ? 'active-controller' : 'broker',
  }))
}

function address (snapshot: ClusterSnapshot, id: number): BrokerAddress {
  return { id, host: snapshot.cluster.brokers.find(b => b.id === id)?.host ?? null }
}

export async function rollingRestart (given: Partial<Options> & Pick<Options, 'admin' | 'driver' | 'stateFile'>): Promise<RollResult> {
  const options: Options = { ...defaultRollingRestartOptions, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as Options
  if (!(options.deadlineMs > 0)) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `deadline must be positive, got ${options.deadlineMs} ms`)
  const began = Date.now()
  const deadline = began + options.deadlineMs
  const snapshot = await takeSnapshot(options.admin, options.expectedBrokers)
  const brokers = snapshot.expectedBrokers
  let state = await readRollState(options.stateFile)
  if (state && state.clusterId !== snapshot.cluster.clusterId) {
    throw new OpsError(OpsErrorCodes.STATE_MISMATCH, `${options.stateFile} holds a roll of cluster ${state.clusterId}, not ${snapshot.cluster.clusterId}`)
  }
  const alreadyDone = state ? [...state.done] : []
  const remaining = brokers.filter(id => !alreadyDone.includes(id))
  const plan = rollOrder(snapshot, remaining, options.health).map(entry => ({ ...entry, verdict: canRoll(entry.brokerId, snapshot, options.health) }))
  if (options.dryRun) return { dryRun: true, plan, alreadyDone, restarted: [], durationMs: Date.now() - began }

  if (state) options.onProgress?.({ phase: 'resume', done: state.done, restarting: state.restarting })
  const now = new Date().toISOString()
  state ??= { format: 1, kind: 'roll', clusterId: snapshot.cluster.clusterId, brokers, done: [], restarting: null, startedAt: now, updatedAt: now }
  await writeRollState(options.stateFile, state)
  const total = brokers.length
  const restarted: RestartTiming[] = []

  while (true) {
    options.signal?.throwIfAborted()
    const left = brokers.filter(id => !(state as RollState).done.includes(id))
    if (left.length === 0) break
    const current = await snapshotWithin(options, brokers, deadline)
    const index = total - left.length + 1
    // One killed mid-restart is finished, not restarted again.
    const brokerId = state.restarting ?? (rollOrder(current, left, options.health)[0] as { brokerId: number }).brokerId
    const timing = await rollOne(options, state, current, brokerId, index, total, deadline)
    restarted.push(timing)
    state.done.push(brokerId)
    state.restarting = null
    await writeRollState(options.stateFile, state)
    options.onProgress?.({ phase: 'restarted', brokerId, index, total, restartMs: timing.restartMs, catchUpMs: timing.catchUpMs })
  }
  await removeRollState(options.stateFile)
  return { dryRun: false, plan, alreadyDone, restarted, durationMs: Date.now() - began }
}

async function rollOne (options: Options, state: RollState, snapshot: ClusterSnapshot, brokerId: number, index: number, total: number, deadline: number): Promise<RestartTiming> {
  const broker = address(snapshot, brokerId)
  const registered = snapshot.cluster.brokers.some(b => b.id === brokerId)
  const resuming = state.restarting === brokerId
  if (resuming || !registered) {
    // Never restart a broker that may be in log recovery, nor one a killed roll was restarting:
    // wait for it, starting it only once it is known to be down (waitUntilCaughtUp does both).
    const caughtUp = Date.now()
    await waitUntilCaughtUp(options, brokerId, expectedToStall(snapshot, brokerId), index, total, deadline)
    return { brokerId, restartMs: 0, catchUpMs: Date.now() - caughtUp, resumedOnly: true }
  }

  const verdict = canRoll(brokerId, snapshot, options.health)
  options.onProgress?.({ phase: 'gate', verdict })
  if (!verdict.canRoll) {
    const partitions = verdict.blockers.flatMap(b => b.partition ? [b.partition] : [])
    throw new OpsError(OpsErrorCodes.GATE_BLOCKED, `not restarting broker ${brokerId}: ${verdict.blockers.slice(0, 5).map(b => b.detail).join('; ')}${verdict.blockers.length > 5 ? `; and ${verdict.blockers.length - 5} more` : ''}`, { brokerId, partitions })
  }
  state.restarting = brokerId
  await writeRollState(options.stateFile, state)
  options.onProgress?.({ phase: 'restart', brokerId, index, total })
  const started = Date.now()
  try {
    await options.driver.restart(broker, options.signal)
  } catch (cause) {
    if ((cause as { code?: string }).code?.startsWith('TACKLE_')) throw cause
    throw new OpsError(OpsErrorCodes.RESTART_FAILED, `restarting broker ${brokerId} failed: ${(cause as Error).message}`, { brokerId, cause })
  }
  const restartMs = Date.now() - started
  const caughtUp = Date.now()
  await waitUntilCaughtUp(options, brokerId, expectedToStall(snapshot, brokerId), index, total, deadline)
  return { brokerId, restartMs, catchUpMs: Date.now() - caughtUp }
}

/** A snapshot, looked for again at each poll while the cluster does not answer, until the deadline. */
async function snapshotWithin (options: Options, brokers: readonly number[], deadline: number): Promise<ClusterSnapshot> {
  while (true) {
    try {
      return await takeSnapshot(options.admin, brokers)
    } catch (error) {
      if (!(error as { canRetry?: boolean }).canRetry || Date.now() > deadline) throw error
      await sleep(options.pollMs, undefined, { signal: options.signal })
    }
  }
}

/**
 * Partitions with a replica on the broker and replicas ≤ min ISR (the gate warns of them) stall
 * while it is down: no regression. Judged from the replicas, not the gate's warnings, as a broker
 * found down on resume already has them offline, which the gate reports as a blocker instead.
 */
function expectedToStall (snapshot: ClusterSnapshot, brokerId: number): Set<string> {
  return new Set(snapshot.partitions.filter(p => p.replicas.includes(brokerId) && p.replicas.length <= p.minIsr).map(partitionName))
}

/** The first condition not met yet, with what is still missing; undefined when all are. */
async function unmetCondition (options: Options, snapshot: ClusterSnapshot, brokerId: number): Promise<{ condition: WaitCondition, detail: string } | undefined> {
  if (!snapshot.cluster.brokers.some(b => b.id === brokerId)) return { condition: 'registered', detail: `broker ${brokerId} is not registered and unfenced yet` }
  const hosted = snapshot.partitions.filter(p => p.replicas.includes(brokerId))
  const outOfSync = hosted.filter(p => !p.isr.includes(brokerId))
  if (outOfSync.length > 0) return { condition: 'in-sync', detail: `${outOfSync.length} of ${hosted.length} replicas on broker ${brokerId} not in the ISR yet (${outOfSync.slice(0, 3).map(partitionName).join(', ')}${outOfSync.length > 3 ? ', …' : ''})` }
  const notLeading = hosted.filter(p => p.replicas[0] === brokerId && p.leader !== brokerId)
  if (notLeading.length > 0) {
    const results = await options.admin.electPreferredLeaders(notLeading.map(p => ({ topic: p.topic, partition: p.partition })))
    const failed = results.filter(r => r.error !== null)
    return { condition: 'preferred-leaders', detail: `electing broker ${brokerId} leader of ${notLeading.length} partitions it prefers${failed.length ? ` (${failed[0]?.error})` : ''}` }
  }
  const report = assessHealth(snapshot, options.health)
  if (!report.healthy) return { condition: 'healthy', detail: `${report.problems.length} problems: ${report.problems.slice(0, 3).map(p => p.detail).join('; ')}` }
  return undefined
}

async function waitUntilCaughtUp (options: Options, brokerId: number, expectedToStall: ReadonlySet<string>, index: number, total: number, deadline: number): Promise<void> {
  const started = Date.now()
  while (true) {
    options.signal?.throwIfAborted()
    let unmet: { condition: WaitCondition, detail: string } | undefined
    try {
      const snapshot = await takeSnapshot(options.admin, options.expectedBrokers)
      const registered = new Set(snapshot.cluster.brokers.map(b => b.id))
      const worse = snapshot.partitions.filter(p => !expectedToStall.has(partitionName(p)) && (p.leader < 0 || !registered.has(p.leader) || p.isr.length < p.minIsr))
      if (worse.length > 0) {
        throw new OpsError(OpsErrorCodes.REGRESSION, `after restarting broker ${brokerId}, ${worse.length} partitions are offline or under min ISR: ${worse.slice(0, 5).map(p => `${partitionName(p)} (leader ${p.leader}, ISR ${p.isr.join(',')})`).join(', ')}`, { brokerId, partitions: worse.map(partitionName) })
      }
      unmet = await unmetCondition(options, snapshot, brokerId)
    } catch (error) {
      if ((error as { code?: string }).code === OpsErrorCodes.REGRESSION) throw error
      // A broker that is restarting can drop a request: look again at the next poll.
      unmet = { condition: 'registered', detail: `the cluster did not answer: ${(error as Error).message}` }
    }
    if (unmet === undefined) return
    // A broker found down (a roll killed mid-restart, or stopped) is started: that finishes a
    // restart rather than repeating one. One that is running but unregistered is only waited for.
    if (unmet.condition === 'registered' && options.driver.start && await options.driver.processState(brokerId) === 'stopped') {
      await options.driver.start({ id: brokerId, host: null }, options.signal)
      continue
    }
    options.onProgress?.({ phase: 'wait', brokerId, index, total, ...unmet, elapsedMs: Date.now() - started })
    if (Date.now() > deadline) throw new OpsError(OpsErrorCodes.DEADLINE, `deadline reached waiting for broker ${brokerId}: ${unmet.detail}`, { brokerId, canRetry: true })
    await sleep(options.pollMs, undefined, { signal: options.signal })
  }
}
