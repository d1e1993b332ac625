// Kafka's command-line tools, run from the fetched jars. The map mirrors bin/*.sh of the Apache
// Kafka 4.x distribution, each script naming its main class.
import { spawn } from 'node:child_process'
import levenshteinDistance from '@stdlib/string-base-distances-levenshtein'
import { fileURLToPath } from 'node:url'
import type { KafkaDistribution } from './distribution.ts'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { javaBinary } from './java.ts'
import { runCommand, type CommandResult } from './run-command.ts'

export const KAFKA_TOOLS = {
  'kafka-acls': 'org.apache.kafka.tools.AclCommand',
  'kafka-broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'kafka-cluster': 'org.apache.kafka.tools.ClusterTool',
  'kafka-configs': 'org.apache.kafka.tools.ConfigCommand',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-consumer-perf-test': 'org.apache.kafka.tools.ConsumerPerformance',
  'kafka-delete-records': 'org.apache.kafka.tools.DeleteRecordsCommand',
  'kafka-dump-log': 'org.apache.kafka.tools.DumpLogSegments',
  'kafka-e2e-latency': 'org.apache.kafka.tools.EndToEndLatency',
  'kafka-features': 'org.apache.kafka.tools.FeatureCommand',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-groups': 'org.apache.kafka.tools.GroupsCommand',
  'kafka-leader-election': 'org.apache.kafka.tools.LeaderElectionCommand',
  'kafka-log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
  'kafka-reassign-partitions': 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'kafka-replica-verification': 'org.apache.kafka.tools.ReplicaVerificationTool',
  'kafka-storage': 'kafka.tools.StorageTool',
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
  'kafka-verifiable-consumer': 'org.apache.kafka.tools.VerifiableConsumer',
  'kafka-verifiable-producer': 'org.apache.kafka.tools.VerifiableProducer',
} as const

export type KafkaToolName = keyof typeof KAFKA_TOOLS

// Tools that take no --bootstrap-server flag: they work on files, take it positionally, or want
// it after a sub-command.
const NO_BOOTSTRAP_FLAG: ReadonlySet<string> = new Set(['kafka-storage', 'kafka-dump-log', 'kafka-e2e-latency', 'kafka-cluster', 'kafka-replica-verification'])
const NAMES_A_CLUSTER = /^--(bootstrap-server|bootstrap-controller|broker-list|help|version)\b|^-h$|bootstrap\.servers=/

/**
 * Whether `tackle kafka exec` should add `--bootstrap-server` for the user: the tool takes that
 * flag and the arguments name no cluster (nor ask only for help).
 */
export function needsBootstrapServer (tool: string, args: readonly string[]): boolean {
  const name = tool.replace(/\.sh$/, '')
  return Object.hasOwn(KAFKA_TOOLS, name) && !NO_BOOTSTRAP_FLAG.has(name) && !args.some(a => NAMES_A_CLUSTER.test(a))
}

const TOOLS_LOG4J = fileURLToPath(new URL('../config/tools-log4j2.yaml', import.meta.url))

/** Tool names within a few edits of `name`, nearest first (as git and commander suggest commands); also `topics` for kafka-topics. */
export function similarToolNames (name: string): string[] {
  const wanted = name.startsWith('kafka-') ? name : `kafka-${name}`
  const scored = Object.keys(KAFKA_TOOLS).map(tool => ({ tool, distance: levenshteinDistance(wanted, tool) }))
  const best = Math.min(...scored.map(s => s.distance))
  return best <= Math.max(2, Math.floor(wanted.length * 0.25)) ? scored.filter(s => s.distance === best).map(s => s.tool) : []
}

/** Accepts `kafka-topics` and `kafka-topics.sh`, as people type either. */
export function kafkaToolMainClass (tool: string): string {
  const name = tool.replace(/\.sh$/, '')
  if (!Object.hasOwn(KAFKA_TOOLS, name)) {
    const similar = similarToolNames(name)
    const hint = similar.length > 0 ? `; did you mean ${similar.join(' or ')}?` : `; known: ${Object.keys(KAFKA_TOOLS).join(', ')}`
    throw new LocalKafkaError(LocalKafkaErrorCodes.TOOL_UNKNOWN, `unknown Kafka tool "${tool}"${hint}`)
  }
  return KAFKA_TOOLS[name as KafkaToolName]
}

// Admin tools run for a second or two, where JIT warm-up dominates: C1 alone starts faster.
// Load generators and long-running clients must keep the full JIT, or benchmarks against them lie.
const LONG_RUNNING = /perf-test|verifiable|console|e2e-latency|replica-verification/
const QUICK_JVM = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1']
const FULL_JVM = ['-Xmx512m']

export function kafkaToolJavaArgs (distribution: KafkaDistribution, tool: string, args: readonly string[]): string[] {
  return [
    ...(LONG_RUNNING.test(tool) ? FULL_JVM : QUICK_JVM), '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${TOOLS_LOG4J}`,
    '-cp', distribution.classpath,
    kafkaToolMainClass(tool),
    ...args,
  ]
}

/** Runs a tool and collects its output. */
export function runKafkaTool (distribution: KafkaDistribution, tool: string, args: readonly string[], options: { signal?: AbortSignal, env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  const env = options.env ?? process.env
  return runCommand(javaBinary(env), kafkaToolJavaArgs(distribution, tool, args), { env, signal: options.signal })
}

/** Runs a tool attached to this terminal and resolves with its exit code. */
export function execKafkaTool (distribution: KafkaDistribution, tool: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const javaArgs = kafkaToolJavaArgs(distribution, tool, args)
  return new Promise((resolve, reject) => {
    const child = spawn(javaBinary(env), javaArgs, { stdio: 'inherit', env })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}
