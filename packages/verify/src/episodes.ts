// The episode loop both targets share: for each round and fault, start it, hold it, heal it,
// wait for the target's own notion of recovery, then a quiet spell. A fault that cannot be healed,
// or a target that does not recover, stops the loop (later episodes would pile faults on a broken
// system), and what was written until then is still checked.
import { setTimeout as sleep } from 'node:timers/promises'
import { netnsUnavailableReason, type ClusterStatus, type LocalCluster } from '@tackle/local-kafka'
import { VerifyError, VerifyErrorCodes } from './errors.ts'
import { NETWORK_FAULTS } from './faults/catalogue.ts'
import type { Fault, FaultContext } from './faults/fault.ts'
import type { Episode } from './history.ts'

/** What both targets' runs take: the cluster, the faults and how each episode goes. */
export interface EpisodeRunOptions {
  cluster: LocalCluster
  faults: readonly string[]
  /** Episodes per fault. */
  episodes: number
  /** How long each fault is held before it is healed. */
  faultMs: number
  /** Quiet time before the first and after each recovered episode. */
  quietMs: number
  recoveryTimeoutMs: number
  seed: number
  signal?: AbortSignal
}

/** The cluster's status, once every node is up and, for network faults, it runs in namespaces; else why not. */
export async function clusterReadyFor (cluster: LocalCluster, faults: readonly string[]): Promise<ClusterStatus> {
  const status = await cluster.status()
  if (!status || status.nodes.some(n => n.state !== 'running')) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `the local cluster in ${cluster.dir} is not running with every node up: start it with \`tackle kafka up\``)
  const needsNetns = faults.filter(f => NETWORK_FAULTS.includes(f))
  if (needsNetns.length > 0 && !status.network) {
    const reason = await netnsUnavailableReason()
    throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `${needsNetns.join(', ')} cut nodes apart inside network namespaces, and the cluster in ${cluster.dir} runs on loopback: ${reason ? `and here ${reason}` : 'recreate it with `tackle kafka down --purge && tackle kafka up --netns`'}`)
  }
  return status
}

export type EpisodeProgress = { phase: 'episode', index: number, total: number, fault: string, step: 'start' | 'heal' | 'recovered', detail: string }

export interface EpisodeLoopOptions<C extends FaultContext> {
  faults: ReadonlyArray<Fault<C>>
  episodes: number
  faultMs: number
  quietMs: number
  recoveryTimeoutMs: number
  context: C
  /** When the target had recovered from the episode healed at `healedAt`, or null if not by the deadline. */
  waitForRecovery (healedAt: number, deadline: number): Promise<number | null>
  /** After each recovered episode, before the quiet spell (the pipeline target adds a processor here). */
  afterEpisode?: (index: number) => Promise<void>
  onProgress?: (event: EpisodeProgress) => void
  signal?: AbortSignal | undefined
}

export async function runEpisodes<C extends FaultContext> (options: EpisodeLoopOptions<C>): Promise<{ episodes: Episode[], stopped: string | null }> {
  const episodes: Episode[] = []
  const total = options.faults.length * options.episodes
  for (let round = 0; round < options.episodes; round++) {
    for (const fault of options.faults) {
      const index = episodes.length
      const startedAt = Date.now()
      const active = await fault.start(options.context)
      options.onProgress?.({ phase: 'episode', index, total, fault: fault.name, step: 'start', detail: active.detail })
      await sleep(options.faultMs, undefined, { signal: options.signal })
      try {
        await active.heal()
      } catch (error) {
        episodes.push({ index, fault: fault.name, detail: active.detail, startedAt, healedAt: Date.now(), recoveredAt: null })
        return { episodes, stopped: `episode ${index + 1} (${fault.name}: ${active.detail}) could not be healed: ${(error as Error).message.split('\n')[0]}` }
      }
      const healedAt = Date.now()
      options.onProgress?.({ phase: 'episode', index, total, fault: fault.name, step: 'heal', detail: active.detail })
      const recoveredAt = await options.waitForRecovery(healedAt, Date.now() + options.recoveryTimeoutMs)
      episodes.push({ index, fault: fault.name, detail: active.detail, startedAt, healedAt, recoveredAt })
      if (recoveredAt === null) {
        return { episodes, stopped: `episode ${index + 1} (${fault.name}: ${active.detail}) did not recover within ${Math.round(options.recoveryTimeoutMs / 1000)} s` }
      }
      options.onProgress?.({ phase: 'episode', index, total, fault: fault.name, step: 'recovered', detail: `${recoveredAt - healedAt} ms after the heal` })
      await options.afterEpisode?.(index)
      await sleep(options.quietMs, undefined, { signal: options.signal })
    }
  }
  return { episodes, stopped: null }
}

/** mulberry32: a small seeded generator, so a run's fault choices repeat with its seed. */
export function seeded (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Nearest-rank percentile, or null for no values. */
export function percentile (values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}
