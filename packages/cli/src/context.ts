import { ClientError, ClientErrorCodes, ClusterAdmin, probeBrokers, securityFromEnv, type SecurityOptions } from '@tackle/client'
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
  /** The chosen cluster's bootstrap list, once one of its brokers answered (else TACKLE_CLIENT_UNREACHABLE within seconds). */
  brokers (): Promise<ResolvedBrokers>
  /** Which cluster the flags, environment and config choose, without asking it: for checking usage before connecting. */
  chosenBrokers (): Promise<ResolvedBrokers>
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
  const chosenBrokers = (): Promise<ResolvedBrokers> => resolveBrokers({ flag: flags.brokers, env, configBrokers: config.brokers, cluster })
  const brokers = async (): Promise<ResolvedBrokers> => answering(await chosenBrokers(), env)
  return {
    flags,
    config,
    env,
    cluster,
    brokers,
    chosenBrokers,
    security: () => securityFromEnv(env),
    async admin () {
      const resolved = await brokers()
      const admin = new ClusterAdmin({ bootstrapBrokers: resolved.bootstrap.split(','), clientId: 'tackle-cli', security: securityFromEnv(env) })
      const expectedBrokers = resolved.source === 'local' ? (await cluster.status())?.nodes.filter(n => n.roles.includes('broker')).map(n => n.id) : undefined
      return { admin, brokers: resolved, expectedBrokers }
    },
  }
}

const SOURCE_NAMES: Readonly<Record<ResolvedBrokers['source'], string>> = { flag: '--brokers', env: 'KAFKA_BROKERS', config: 'the config file\'s "brokers"', local: 'the local cluster' }

// Every command that talks to a cluster asks first, so "no broker answers" takes seconds, not
// the minutes of an operation's own deadline.
async function answering (brokers: ResolvedBrokers, env: NodeJS.ProcessEnv): Promise<ResolvedBrokers> {
  try {
    await probeBrokers({ bootstrapBrokers: brokers.bootstrap.split(','), security: securityFromEnv(env), clientId: 'tackle-cli' })
    return brokers
  } catch (error) {
    if ((error as ClientError).code !== ClientErrorCodes.UNREACHABLE) throw error
    throw new ClientError(ClientErrorCodes.UNREACHABLE, `${(error as Error).message} (brokers from ${SOURCE_NAMES[brokers.source]})`, { cause: error })
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
