// `tackle verify --target pipeline`: the client target's method, end to end. The pipeline runs as
// it does in production, as separate processes (collectors and processors in one consumer group,
// on a PostgreSQL server of the run's own), under HTTP clients that behave as the SDKs do; fault
// episodes hit the brokers, the collectors, the processors, the store or the input; after the
// first episode a processor is added, and at the end every processor must own a share of the
// partitions (the stateless parts scale out). Then the clients finish their retries, the store
// settles, and the checker audits it against what the clients were told.
import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClusterAdmin, ensureTopics } from '@tackle/client'
import { checkHealth } from '@tackle/ops'
import { allPipelineTopics, pipelineTopics, PostgresStore } from '@tackle/pipeline'
import { clusterReadyFor, percentile, runEpisodes, seeded, type EpisodeProgress, type EpisodeRunOptions } from '../episodes.ts'
import { VerifyError, VerifyErrorCodes } from '../errors.ts'
import type { Episode, History, SendOp } from '../history.ts'
import { writeReport } from '../report.ts'
import { HttpWorkload, verifyTrackingPlan, type RequestOp, type SentEvent } from './http-workload.ts'
import { checkPipeline, type PipelineCheck, type StoreAudit } from './pipeline-checker.ts'
import { PIPELINE_FAULTS, pipelineFaultNames, type PipelineFaultContext } from './pipeline-faults.ts'
import { PipelineTopology, type ProcessorStatus } from './topology.ts'

export interface PipelineVerifyOptions extends EpisodeRunOptions {
  collectors: number
  processors: number
  /** Add one processor after the first episode, and check the partitions spread over all of them. */
  scaleOut: boolean
  clients: number
  batchSize: number
  batchesPerSec: number
  /** How long the clients go on retrying after the last episode, and the store has to settle. */
  drainTimeoutMs: number
  onProgress?: (event: PipelineVerifyProgress) => void
}

export type PipelineVerifyProgress =
  | { phase: 'setup', detail: string }
  | EpisodeProgress
  | { phase: 'drain', acknowledged: number }

export const defaultPipelineVerifyOptions = Object.freeze({
  faults: ['kill-leader', 'kill-processor', 'restart-store'],
  episodes: 2,
  faultMs: 5_000,
  quietMs: 2_000,
  recoveryTimeoutMs: 120_000,
  collectors: 2,
  processors: 2,
  scaleOut: true,
  clients: 4,
  batchSize: 20,
  batchesPerSec: 2,
  drainTimeoutMs: 120_000,
  seed: 1,
})

export interface PipelineVerifyResult extends PipelineCheck {
  target: 'pipeline'
  faults: string[]
  episodes: number
  topicPrefix: string
  recoveryMsP50: number | null
  recoveryMsMax: number | null
  lastRowMsMax: number | null
  /** What each processor owned of the events topic at the end. */
  processors: ProcessorStatus[]
  /** Every processor owned a partition, and together they owned all of them (null without scaleOut). */
  scaledOut: boolean | null
  /** Pipeline processes that exited without being killed: a crash is a failure, whatever was stored. */
  crashed: string[]
  stopped: string | null
  durationMs: number
  events: SentEvent[]
  requests: RequestOp[]
  episodeLog: Episode[]
}

const EVENTS_PARTITIONS = 6

function resolve (given: Partial<PipelineVerifyOptions> & Pick<PipelineVerifyOptions, 'cluster'>): PipelineVerifyOptions {
  const options: PipelineVerifyOptions = { ...defaultPipelineVerifyOptions, ...(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given) }
  for (const name of options.faults) {
    if (!PIPELINE_FAULTS[name]) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `unknown fault "${name}" for the pipeline target; faults: ${pipelineFaultNames().join(', ')}`)
  }
  for (const name of ['episodes', 'collectors', 'processors', 'clients', 'batchSize'] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 1) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `${name} must be a whole number of at least 1, got ${options[name]}`)
  }
  return options
}

/** Recovered: every client had a request acknowledged after the heal, and the cluster is healthy. */
async function waitForRecovery (admin: ClusterAdmin, workload: HttpWorkload, clients: number, healedAt: number, deadline: number, signal: AbortSignal | undefined): Promise<number | null> {
  while (Date.now() < deadline) {
    signal?.throwIfAborted()
    const acks = Array.from({ length: clients }, (_, c) => workload.lastAck.get(c) ?? 0)
    if (acks.every(at => at > healedAt) && (await checkHealth(admin).catch(() => undefined))?.healthy) return Math.max(...acks)
    await sleep(250, undefined, { signal })
  }
  return null
}

/** Polls the store until it holds every acknowledged valid event and a record of every poison one, or the deadline passes. */
async function settledAudit (store: PostgresStore, writeKey: string, events: readonly SentEvent[], deadline: number): Promise<StoreAudit> {
  const mustStore = events.filter(e => e.kind === 'valid' && e.ackedAt !== undefined).map(e => e.id)
  const mustRecord = events.filter(e => e.kind === 'poison' || e.rejected !== undefined).map(e => e.id)
  for (;;) {
    const audit = { stored: await store.storedIds(writeKey), failed: await store.failedIds(writeKey) }
    const stored = new Set(audit.stored.map(r => r.messageId))
    const recorded = new Set(audit.failed.map(r => r.messageId))
    if ((mustStore.every(id => stored.has(id)) && mustRecord.every(id => recorded.has(id))) || Date.now() > deadline) {
      // A moment more, for a duplicate or a stray row still on its way.
      await sleep(2_000)
      return { stored: await store.storedIds(writeKey), failed: await store.failedIds(writeKey) }
    }
    await sleep(1_000)
  }
}

/** Each event as one send of the timeline: from its first try to its acknowledgement, retries included. */
function asHistory (events: readonly SentEvent[], episodes: Episode[]): History {
  const sends: SendOp[] = events.filter(e => e.firstSentAt > 0).map((e, sequence) => ({
    producer: `client-${e.client}`, sequence, value: e.id, sentAt: e.firstSentAt, settledAt: e.ackedAt ?? e.firstSentAt,
    outcome: e.ackedAt !== undefined ? 'ok' : e.rejected !== undefined ? 'failed' : 'indeterminate', ...(e.rejected ? { error: e.rejected } : {}),
  }))
  return { sends, polls: [], final: [], episodes }
}

export async function verifyPipeline (given: Partial<PipelineVerifyOptions> & Pick<PipelineVerifyOptions, 'cluster'>): Promise<PipelineVerifyResult> {
  const options = resolve(given)
  const faults = options.faults.map(name => PIPELINE_FAULTS[name] as NonNullable<(typeof PIPELINE_FAULTS)[string]>)
  const began = Date.now()
  const status = await clusterReadyFor(options.cluster, options.faults)
  const brokers = status.bootstrap.split(',')
  const runId = randomUUID().slice(0, 8)
  const topicPrefix = `tackle-verify-pipeline-${runId}`
  const writeKey = `wk_verify_${runId}`
  const topics = pipelineTopics(topicPrefix, EVENTS_PARTITIONS)
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers, requestTimeoutMs: 10_000 })
  const topology = new PipelineTopology({
    brokers, topicPrefix, groupPrefix: topicPrefix, writeKey, collectors: options.collectors, processors: options.processors,
    trackingPlans: { [writeKey]: verifyTrackingPlan }, startTimeoutMs: 120_000,
  })
  const random = seeded(options.seed)
  const workload = new HttpWorkload({
    writeKey, collectors: () => topology.collectorUrls(), clients: options.clients, batchSize: options.batchSize, batchesPerSec: options.batchesPerSec,
    requestTimeoutMs: 15_000, runId, random,
  })
  let episodes: Episode[] = []
  let stopped: string | null = null
  let audit: StoreAudit = { stored: [], failed: [] }
  let processors: ProcessorStatus[] = []
  try {
    await ensureTopics({ bootstrapBrokers: brokers, topics: allPipelineTopics(topics) })
    options.onProgress?.({ phase: 'setup', detail: `starting PostgreSQL, ${options.processors} processors and ${options.collectors} collectors on ${topics.events.name}` })
    await topology.start()
    workload.start()
    await sleep(options.quietMs, undefined, { signal: options.signal })
    const context: PipelineFaultContext = { cluster: options.cluster, admin, topic: topics.events.name, random, signal: options.signal, topology, workload }
    ;({ episodes, stopped } = await runEpisodes({
      faults, episodes: options.episodes, faultMs: options.faultMs, quietMs: options.quietMs, recoveryTimeoutMs: options.recoveryTimeoutMs, context,
      waitForRecovery: (healedAt, deadline) => waitForRecovery(admin, workload, options.clients, healedAt, deadline, options.signal),
      afterEpisode: async index => {
        if (!options.scaleOut || index !== 0) return
        options.onProgress?.({ phase: 'setup', detail: 'adding a processor' })
        await topology.add('processor')
      },
      onProgress: options.onProgress, signal: options.signal,
    }))
    await workload.stop(options.drainTimeoutMs)
    options.onProgress?.({ phase: 'drain', acknowledged: [...workload.events.values()].filter(e => e.ackedAt !== undefined).length })
    const events = [...workload.events.values()]
    const reader = await PostgresStore.open(topology.databaseUrl)
    try {
      audit = await settledAudit(reader, writeKey, events, Date.now() + options.drainTimeoutMs)
    } finally {
      await reader.close()
    }
    processors = await topology.processorStatus()
  } finally {
    await workload.stop(0)
    await topology.close()
    await admin.close()
  }
  const events = [...workload.events.values()]
  const result = checkPipeline(events, audit, episodes)
  const recoveries = episodes.flatMap(e => e.recoveredAt === null ? [] : [Math.max(0, e.recoveredAt - e.healedAt)])
  const lastRows = result.lastRowMs.filter((ms): ms is number => ms !== null)
  const owned = new Set(processors.flatMap(p => p.owned))
  const scaledOut = options.scaleOut ? processors.length === options.processors + 1 && processors.every(p => p.owned.length > 0) && owned.size === EVENTS_PARTITIONS : null
  return {
    ...result,
    target: 'pipeline',
    faults: faults.map(f => f.name),
    episodes: episodes.length,
    topicPrefix,
    recoveryMsP50: percentile(recoveries, 0.5),
    recoveryMsMax: recoveries.length ? Math.max(...recoveries) : null,
    lastRowMsMax: lastRows.length ? Math.max(...lastRows) : null,
    processors,
    scaledOut,
    crashed: [...topology.crashes],
    valid: result.valid && stopped === null && scaledOut !== false && topology.crashes.length === 0,
    stopped,
    durationMs: Date.now() - began,
    events,
    requests: workload.requests,
    episodeLog: episodes,
  }
}

/** timeline.svg and history.jsonl as the client target writes them (each event one send), and requests.jsonl. */
export async function writePipelineReport (dir: string, result: PipelineVerifyResult, title: string): Promise<{ svg: string, history: string, requests: string }> {
  const files = await writeReport(dir, asHistory(result.events, result.episodeLog), title)
  const requests = join(dir, 'requests.jsonl')
  await writeFile(requests, result.requests.map(r => JSON.stringify({ type: 'request', ...r })).join('\n') + '\n')
  return { ...files, requests }
}
