// node --test's global setup: one 3-node Kafka cluster for the whole run, stopped and deleted after.
import { TEST_CLUSTER_DIR_ENV, startTestCluster } from '@tackle/local-kafka/testing'
import type { LocalCluster } from '@tackle/local-kafka'

let cluster: LocalCluster | undefined

export async function globalSetup (): Promise<void> {
  const began = Date.now()
  process.stderr.write('starting the shared 3-node test cluster...\n')
  cluster = await startTestCluster()
  process.env[TEST_CLUSTER_DIR_ENV] = cluster.dir
  process.stderr.write(`test cluster ready in ${((Date.now() - began) / 1000).toFixed(1)} s: ${(await cluster.status())?.bootstrap}\n`)
}

export async function globalTeardown (): Promise<void> {
  await cluster?.down({ purge: true })
}
