// A verification run: a topic with RF 3 and 6 partitions, the workload writing and reading along,
// then fault episodes one after another (start, hold, heal, wait for recovery), then a full read
// from the earliest offset in a fresh group, and the checker's verdict. In the unsafe config
// (acks=1, no idempotence, min.insync.replicas 1, unclean leader election) the checker must find
// anomalies: if it does not, it is blind, and the result says so.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClusterAdmin } from '@tackle/client'
import { readAll } from '@tackle/client/testkit'
import { checkHealth } from '@tackle/ops'
import { check, type CheckResult } from './checker.ts'
import { VerifyError, VerifyErrorCodes } from './errors.ts'
import { faultByName } from './faults/catalogue.ts'
import type { FaultContext } from './faults/fault.ts'
import { clusterReadyFor, percentile, runEpisodes, seeded, type EpisodeProgress, type EpisodeRunOptions } from './episodes.ts'
import type { Episode, History } from './history.ts'
import { Workload } from './workload.ts'

export type VerifyConfig = 'safe' | 'unsafe'

export interface VerifyOptions extends EpisodeRunOptions {
  config: VerifyConfig
  producers: number
  ratePerProducer: number
  onProgress?: (event: VerifyProgress) => void
}

export type VerifyProgress =
  | { phase: 'setup', topic: string }
  | EpisodeProgress
  | { phase: 'drain', acked: number }

export const defaultVerifyOptions = Object.freeze({
  faults: ['kill-leader'],
  episodes: 3,
  faultMs: 5_000,
  quietMs: 2_000,
  recoveryTimeoutMs: 120_000,
  config: 'safe' as VerifyConfig,
  producers: 6,
  ratePerProducer: 100,
  seed: 1,
})

export interface VerifyResult extends CheckResult {
  config: VerifyConfig
  faults: string[]
  episodes: number
  topic: string
  recoveryMsP50: number | null
  recoveryMsMax: number | null
  /** Unsafe config only: true when the checker found nothing, so it could not have seen a loss. */
  blind: boolean
  /** Why the episodes stopped early (a cluster that did not recover), or null; a stopped run is not valid. */
  stopped: string | null
  durationMs: number
  history: History
  episodeLog: Episode[]
}

/** Healthy again, and every producer acknowledged after the heal: the time the last one was. */
async function waitForRecovery (admin: ClusterAdmin, workload: Workload, expectedBrokers: number[], healedAt: number, deadline: number, options: VerifyOptions): Promise<number | null> {
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted()
    const acks = workload.producerIds.map(id => workload.lastAck.get(id) ?? 0)
    if (acks.every(at => at > healedAt)) {
      const health = await checkHealth(admin, { expectedBrokers }).catch(() => undefined)
      if (health?.healthy) return Math.max(...workload.producerIds.map(id => firstAckAfter(workload, id, healedAt)))
    }
    await sleep(250, undefined, { signal: options.signal })
  }
  return null
}

function firstAckAfter (workload: Workload, producer: string, after: number): number {
  let first = Infinity
  for (const s of workload.sends) if (s.producer === producer && s.outcome === 'ok' && s.settledAt > after && s.settledAt < first) first = s.settledAt
  return first === Infinity ? Date.now() : first
}

export async function verify (given: Partial<VerifyOptions> & Pick<VerifyOptions, 'cluster'>): Promise<VerifyResult> {
  const options: VerifyOptions = { ...defaultVerifyOptions, ...(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given) }
  const faults = options.faults.map(name => {
    const fault = faultByName(name)
    if (!fault) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `unknown fault "${name}"`)
    return fault
  })
  if (!Number.isInteger(options.episodes) || options.episodes < 1) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `episodes must be a whole number of at least 1, got ${options.episodes}`)
  const began = Date.now()
  const status = await clusterReadyFor(options.cluster, options.faults)
  const brokers = status.bootstrap.split(',')
  const expectedBrokers = status.nodes.filter(n => n.roles.includes('broker')).map(n => n.id)
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers, requestTimeoutMs: 10_000 })
  const topic = `tackle-verify-${options.config}-${randomUUID().slice(0, 8)}`
  const unsafe = options.config === 'unsafe'
  let episodes: Episode[] = []
  let stopped: string | null = null
  let workload: Workload | undefined
  try {
    await admin.createTopic({ name: topic, partitions: 6, replicationFactor: 3, configs: unsafe ? { 'min.insync.replicas': '1', 'unclean.leader.election.enable': 'true' } : { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' } })
    options.onProgress?.({ phase: 'setup', topic })
    const running = new Workload({ brokers, topic, producers: options.producers, ratePerProducer: options.ratePerProducer, maxInFlight: 5000, unsafe, consumers: 2 })
    workload = running
    await running.start()
    await sleep(options.quietMs, undefined, { signal: options.signal })
    const context: FaultContext = { cluster: options.cluster, admin, topic, random: seeded(options.seed), signal: options.signal }
    ;({ episodes, stopped } = await runEpisodes({
      faults, episodes: options.episodes, faultMs: options.faultMs, quietMs: options.quietMs, recoveryTimeoutMs: options.recoveryTimeoutMs, context,
      waitForRecovery: (healedAt, deadline) => waitForRecovery(admin, running, expectedBrokers, healedAt, deadline, options),
      onProgress: options.onProgress, signal: options.signal,
    }))
  } finally {
    await workload?.stop()
    await admin.close()
  }
  options.onProgress?.({ phase: 'drain', acked: workload.sends.filter(s => s.outcome === 'ok').length })
  const final = (await readAll(brokers, topic, { idleMs: 5_000 })).map(r => ({ value: (JSON.parse(r.value) as { v: string }).v, partition: r.partition, offset: r.offset }))
  const history: History = { sends: workload.sends, polls: workload.polls, final, episodes }
  const result = check(history)
  const recoveries = result.recoveryMs.filter((ms): ms is number => ms !== null)
  return {
    ...result,
    config: options.config,
    faults: faults.map(f => f.name),
    episodes: episodes.length,
    topic,
    recoveryMsP50: percentile(recoveries, 0.5),
    recoveryMsMax: recoveries.length ? Math.max(...recoveries) : null,
    valid: result.valid && stopped === null,
    blind: unsafe && result.valid,
    stopped,
    durationMs: Date.now() - began,
    history,
    episodeLog: episodes,
  }
}
