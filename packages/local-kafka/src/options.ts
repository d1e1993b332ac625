import { join, resolve } from 'node:path'
import { KAFKA_VERSION, defaultCacheDir } from './distribution.ts'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'

export const MAX_NODES = 9

export interface LocalClusterOptions {
  /** Where node directories, logs and the state file live. */
  dir: string
  /** Where fetched Kafka jars are cached, shared by every cluster on the machine. */
  cacheDir: string
  kafkaVersion: string
  /** Heap of each node; Kafka's own default is 1 GiB, too much for several nodes on a laptop. */
  heapMb: number
  /** First broker port; controllers listen from portBase + 100, the secure listener from + 200. Undefined picks free ports. */
  portBase: number | undefined
  startTimeoutMs: number
  stopTimeoutMs: number
  /** server.properties overrides, applied on top of the safe local defaults. */
  brokerConfig: Readonly<Record<string, string>>
  /**
   * A process whose death makes the cluster stale: its nodes are killed and its directory wiped by
   * the next `up`. Test runs set it, so a crashed run never breaks the next one.
   */
  ownerPid: number | undefined
  /**
   * Give a new cluster a SASL_SSL listener too (PLAIN and SCRAM, a generated CA and user), for
   * testing clients and tools against real TLS and SASL. The PLAINTEXT listener stays.
   */
  secure: boolean
  /**
   * 'netns' runs each node of a new cluster in a Linux network namespace of its own, on a bridge
   * the harness creates, so network faults can cut nodes apart. Needs root and iproute2.
   */
  network: 'loopback' | 'netns'
  env: NodeJS.ProcessEnv
}

export const defaultLocalClusterOptions = {
  dir: resolve('.tackle', 'kafka'),
  cacheDir: defaultCacheDir(),
  kafkaVersion: KAFKA_VERSION,
  heapMb: 512,
  portBase: undefined,
  startTimeoutMs: 180_000,
  stopTimeoutMs: 60_000,
  brokerConfig: {},
  ownerPid: undefined,
  secure: false,
  network: 'loopback',
  env: process.env,
} as const satisfies LocalClusterOptions

function invalid (message: string): never {
  throw new LocalKafkaError(LocalKafkaErrorCodes.INVALID_OPTIONS, message)
}

function positiveInt (name: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < 1 || value > max) invalid(`${name} must be a whole number from 1 to ${max}, got ${value}`)
}

export function validateNodeCount (nodes: number): number {
  positiveInt('nodes', nodes, MAX_NODES)
  return nodes
}

export function resolveLocalClusterOptions (options: Partial<LocalClusterOptions> = {}): Readonly<LocalClusterOptions> {
  // An option given as undefined means "the default", not "unset".
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
  const merged: LocalClusterOptions = { ...defaultLocalClusterOptions, ...given }
  if (options.cacheDir === undefined && options.env !== undefined) merged.cacheDir = defaultCacheDir(options.env)
  merged.dir = resolve(merged.dir)
  merged.cacheDir = resolve(merged.cacheDir)
  // Under 128 MiB a combined broker and controller runs out of heap while starting.
  if (!Number.isInteger(merged.heapMb) || merged.heapMb < 128 || merged.heapMb > 8192) invalid(`heapMb must be from 128 to 8192, got ${merged.heapMb}`)
  if (merged.portBase !== undefined && (!Number.isInteger(merged.portBase) || merged.portBase < 1024 || merged.portBase > 65_000 - 200 - MAX_NODES)) {
    invalid(`portBase must be from 1024 to ${65_000 - 200 - MAX_NODES}, got ${merged.portBase}`)
  }
  if (merged.network !== 'loopback' && merged.network !== 'netns') invalid(`network must be 'loopback' or 'netns', got ${String(merged.network)}`)
  positiveInt('startTimeoutMs', merged.startTimeoutMs)
  positiveInt('stopTimeoutMs', merged.stopTimeoutMs)
  for (const [key, value] of Object.entries(merged.brokerConfig)) {
    if (!/^[a-z0-9._-]+$/i.test(key) || typeof value !== 'string' || /[\r\n]/.test(value)) invalid(`brokerConfig entry "${key}" is not a valid server.properties setting`)
  }
  merged.brokerConfig = Object.freeze({ ...merged.brokerConfig })
  return Object.freeze(merged)
}

export function stateFilePath (dir: string): string {
  return join(dir, 'cluster.json')
}
