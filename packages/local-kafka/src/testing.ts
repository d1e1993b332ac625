// One shared local cluster for a whole test run. The test runner's global setup starts it and
// names its directory in TACKLE_TEST_KAFKA_DIR; test files open it from there. A test file run on
// its own starts the cluster itself. Either way the starter is the owner: its nodes die with it,
// and a cluster whose owner died is wiped by the next start.
import { resolve } from 'node:path'
import { LocalCluster, type ClusterStatus } from './cluster.ts'
import { stateFilePath, type LocalClusterOptions } from './options.ts'
import { isPidAlive } from './process-info.ts'
import { readClusterRecord } from './state.ts'

export const TEST_CLUSTER_DIR_ENV = 'TACKLE_TEST_KAFKA_DIR'

export function defaultTestClusterDir (): string {
  return resolve('.tackle', 'test-kafka')
}

/**
 * Kafka's defaults but for how fast a crashed group member is noticed: 10 s instead of 45 s for
 * KIP-848 groups, so failover tests stay short.
 */
export const TEST_BROKER_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  'group.consumer.min.session.timeout.ms': '6000',
  'group.consumer.session.timeout.ms': '10000',
  'group.consumer.min.heartbeat.interval.ms': '1000',
  'group.consumer.heartbeat.interval.ms': '2000',
})

/**
 * Starts (or takes over) the shared test cluster, owned by this process. Should another live test
 * run own the usual directory, this run gets a directory of its own rather than share, or wipe,
 * the other's cluster.
 */
export async function startTestCluster (options: Partial<LocalClusterOptions> = {}): Promise<LocalCluster> {
  let dir = defaultTestClusterDir()
  const owner = (await readClusterRecord(stateFilePath(dir)))?.ownerPid
  if (owner && owner !== process.pid && isPidAlive(owner)) dir = `${dir}-${process.pid}`
  // Secure, so that TLS and SASL are tested on the same cluster as everything else.
  const cluster = new LocalCluster({ dir, ownerPid: process.pid, brokerConfig: TEST_BROKER_CONFIG, secure: true, ...options })
  await cluster.up({ nodes: 3 })
  return cluster
}

export interface TestCluster {
  cluster: LocalCluster
  status: ClusterStatus
  bootstrap: string
  brokers: string[]
}

let shared: Promise<TestCluster> | undefined

/** The run's shared 3-node cluster, started on first use when no global setup did. */
export function sharedTestCluster (): Promise<TestCluster> {
  shared ??= (async () => {
    const dir = process.env[TEST_CLUSTER_DIR_ENV]
    const cluster = dir ? new LocalCluster({ dir }) : await startTestCluster()
    const status = await cluster.status()
    if (!status) throw new Error(`${TEST_CLUSTER_DIR_ENV}=${dir} names no cluster`)
    return { cluster, status, bootstrap: status.bootstrap, brokers: status.bootstrap.split(',') }
  })()
  return shared
}
