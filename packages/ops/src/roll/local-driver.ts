import type { LocalCluster } from '@tackle/local-kafka'
import type { BrokerAddress, RestartDriver } from './restart-driver.ts'

/** Restarts nodes of a local cluster: SIGTERM (controlled shutdown), then start and wait until unfenced. */
export function localDriver (cluster: LocalCluster): RestartDriver {
  return {
    name: 'local',
    async restart (broker: BrokerAddress, signal?: AbortSignal) {
      await cluster.node(broker.id, 'stop', { signal })
      await cluster.node(broker.id, 'start', { signal })
    },
    async start (broker: BrokerAddress, signal?: AbortSignal) {
      await cluster.node(broker.id, 'start', { signal })
    },
    async processState (brokerId: number) {
      const node = (await cluster.status())?.nodes.find(n => n.id === brokerId)
      if (!node) return 'unknown'
      return node.state === 'stopped' ? 'stopped' : 'running'
    },
  }
}
