import type { LocalCluster } from '@tackle/local-kafka'
import { CliError, CliErrorCodes } from './errors.ts'

export type BrokerSource = 'flag' | 'env' | 'config' | 'local'

export interface ResolvedBrokers {
  bootstrap: string
  source: BrokerSource
}

const HOST_PORT = /^(\[[0-9a-f:]+\]|[a-z0-9.-]+):(\d{1,5})$/i

/** Checks a bootstrap list and names the first bad entry. */
export function parseBrokerList (list: string, where: string): string {
  const entries = list.split(',').map(e => e.trim()).filter(e => e !== '')
  if (entries.length === 0) throw new CliError(CliErrorCodes.BAD_BROKERS, `${where} is empty`)
  for (const entry of entries) {
    const match = HOST_PORT.exec(entry)
    const port = Number(match?.[2])
    if (!match || port < 1 || port > 65_535) throw new CliError(CliErrorCodes.BAD_BROKERS, `${where}: "${entry}" is not HOST:PORT`)
  }
  return entries.join(',')
}

/** --brokers, then KAFKA_BROKERS, then the config file, then the running local cluster. */
export async function resolveBrokers (options: {
  flag: string | undefined
  env: NodeJS.ProcessEnv
  configBrokers: string | undefined
  cluster: LocalCluster
}): Promise<ResolvedBrokers> {
  if (options.flag !== undefined) return { bootstrap: parseBrokerList(options.flag, '--brokers'), source: 'flag' }
  if (options.env.KAFKA_BROKERS) return { bootstrap: parseBrokerList(options.env.KAFKA_BROKERS, 'KAFKA_BROKERS'), source: 'env' }
  if (options.configBrokers !== undefined) return { bootstrap: parseBrokerList(options.configBrokers, 'config "brokers"'), source: 'config' }
  const status = await options.cluster.status()
  const running = status?.nodes.filter(n => n.state === 'running' && n.roles.includes('broker')) ?? []
  if (running.length === 0) {
    const why = status ? `the local cluster in ${status.dir} is not running` : 'no --brokers, no KAFKA_BROKERS, no "brokers" in the config file and no local cluster'
    throw new CliError(CliErrorCodes.NO_BROKERS, `no Kafka cluster to talk to: ${why}`)
  }
  return { bootstrap: running.map(n => `127.0.0.1:${n.port}`).join(','), source: 'local' }
}
