// Renders server.properties for one KRaft node. The defaults are the safe ones Tackle promises
// (Jepsen's Kafka analysis; KIP-966 for Eligible Leader Replicas): RF min(3, N), min.insync.replicas
// min(2, N), no unclean leader election, no auto-created topics.
import { fileURLToPath } from 'node:url'
import { secureListenerProperties, type SecureListenerRecord } from './secure-listener.ts'

export const LOG4J_CONFIG = fileURLToPath(new URL('../config/log4j2.yaml', import.meta.url))

export type NodeRole = 'broker' | 'controller'

export interface NodeSpec {
  id: number
  roles: readonly NodeRole[]
  port: number
  controllerPort: number
  /** The SASL_SSL listener's port, on clusters created with one. */
  securePort?: number
  /** Its own address in a network namespace; 127.0.0.1 when absent. */
  host?: string
}

export interface ClusterShape {
  /** Nodes that count as replicas for the replication defaults. */
  brokerCount: number
  /** The voters the quorum was formatted with: `controller.quorum.bootstrap.servers`. */
  controllers: readonly NodeSpec[]
}

export const HOST = '127.0.0.1'

export function safeClusterDefaults (brokerCount: number): Record<string, string> {
  const rf = String(Math.min(3, brokerCount))
  const minIsr = String(Math.min(2, brokerCount))
  return {
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'unclean.leader.election.enable': 'false',
    'auto.create.topics.enable': 'false',
  }
}

export function renderServerProperties (node: NodeSpec, shape: ClusterShape, dataDir: string, overrides: Readonly<Record<string, string>>, secure?: SecureListenerRecord): string {
  const isController = node.roles.includes('controller')
  const host = node.host ?? HOST
  const advertised = [`PLAINTEXT://${host}:${node.port}`]
  const hasSecure = secure !== undefined && node.securePort !== undefined
  if (hasSecure) advertised.push(`SASL_SSL://${host}:${node.securePort}`)
  const listeners = [...advertised]
  if (isController) listeners.push(`CONTROLLER://${host}:${node.controllerPort}`)
  const settings: Record<string, string> = {
    'process.roles': node.roles.join(','),
    'node.id': String(node.id),
    'controller.quorum.bootstrap.servers': shape.controllers.map(c => `${c.host ?? HOST}:${c.controllerPort}`).join(','),
    listeners: listeners.join(','),
    'advertised.listeners': advertised.join(','),
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${hasSecure ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(hasSecure ? secureListenerProperties(secure) : {}),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    ...safeClusterDefaults(shape.brokerCount),
    // A developer's cluster: consumers join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': '0',
    ...overrides,
  }
  const lines = Object.entries(settings).map(([k, v]) => `${k}=${v}`)
  return `# Written by Tackle's local-kafka; rewritten at every start.\n${lines.join('\n')}\n`
}

/** `id@host:port:directoryId`, the same list for every node, as `kafka-storage format --initial-controllers` wants. */
export function initialControllers (controllers: readonly NodeSpec[], directoryIds: ReadonlyMap<number, string>): string {
  return controllers.map(c => `${c.id}@${c.host ?? HOST}:${c.controllerPort}:${directoryIds.get(c.id)}`).join(',')
}
