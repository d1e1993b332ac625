import { ClusterAdmin, securityFromEnv, type SecurityOptions } from '@tackle/client'
import { LocalCluster, type LocalClusterOptions } from '@tackle/local-kafka'
import { resolveBrokers, type ResolvedBrokers } from './brokers.ts'
import { defaultKafkaDir, loadConfig, type TackleConfig } from './config.ts'

/** The flags every command shares. */
export interface CommonFlags {
  json?: boolean
  verbose?: boolean
  dir?: string
  config?: string
  brokers?: string
}

export interface CommandContext {
  flags: CommonFlags
  config: TackleConfig
  env: NodeJS.ProcessEnv
  cluster: LocalCluster
  brokers (): Promise<ResolvedBrokers>
  /** TLS and SASL from KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_CA_FILE; undefined is plaintext. */
  security (): SecurityOptions | undefined
  /**
   * An admin client for the chosen cluster, closed by the caller; for the local cluster also
   * its node ids, the brokers it should have.
   */
  admin (): Promise<{ admin: ClusterAdmin, brokers: ResolvedBrokers, expectedBrokers: number[] | undefined }>
}

export async function commandContext (flags: CommonFlags, env: NodeJS.ProcessEnv = process.env, clusterOptions: Partial<LocalClusterOptions> = {}): Promise<CommandContext> {
  const { config } = await loadConfig({ file: flags.config, env, cwd: process.cwd() })
  const kafka = config.kafka ?? {}
  const cluster = new LocalCluster({
    dir: flags.dir ?? kafka.dir ?? defaultKafkaDir(env),
    env,
    heapMb: kafka.heapMb,
    portBase: kafka.portBase,
    brokerConfig: kafka.brokerConfig,
    ...clusterOptions,
  })
  return {
    flags,
    config,
    env,
    cluster,
    brokers: () => resolveBrokers({ flag: flags.brokers, env, configBrokers: config.brokers, cluster }),
    security: () => securityFromEnv(env),
    async admin () {
      const brokers = await resolveBrokers({ flag: flags.brokers, env, configBrokers: config.brokers, cluster })
      const admin = new ClusterAdmin({ bootstrapBrokers: brokers.bootstrap.split(','), clientId: 'tackle-cli', security: securityFromEnv(env) })
      const expectedBrokers = brokers.source === 'local' ? (await cluster.status())?.nodes.filter(n => n.roles.includes('broker')).map(n => n.id) : undefined
      return { admin, brokers, expectedBrokers }
    },
  }
}

/** Runs `work` with an admin client for the chosen cluster, closed afterwards whatever happens. */
export async function withAdmin<T> (flags: CommonFlags, work: (admin: ClusterAdmin, context: CommandContext, bootstrap: string[]) => Promise<T>): Promise<T> {
  const context = await commandContext(flags)
  const { admin, brokers } = await context.admin()
  try {
    return await work(admin, context, brokers.bootstrap.split(','))
  } finally {
    await admin.close()
  }
}
