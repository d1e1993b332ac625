// One Kafka node as an operating-system process: format its storage, start it detached from the
// caller, know when it is ready, signal it, and wait for it to go.
import { spawn } from 'node:child_process'
import { existsSync, openSync, closeSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { writeSecretFile } from './secret-file.ts'
import { join } from 'node:path'
import type { KafkaDistribution } from './distribution.ts'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { javaBinary } from './java.ts'
import { fileSize, readFrom, relevantTail } from './log-tail.ts'
import { LOG4J_CONFIG, renderServerProperties, type ClusterShape, type NodeSpec } from './node-config.ts'
import { nodeMarker, processState, type ProcessState } from './process-info.ts'
import { inNamespace, type NetworkRecord } from './network-namespaces.ts'
import { scramFormatArgs, type SecureListenerRecord } from './secure-listener.ts'
import { runKafkaTool } from './tools.ts'
import { waitUntil } from './wait-until.ts'

export interface NodePaths {
  nodeDir: string
  dataDir: string
  logsDir: string
  serverLog: string
  stdoutLog: string
  properties: string
}

export function nodePaths (clusterDir: string, id: number): NodePaths {
  const nodeDir = join(clusterDir, `node-${id}`)
  const logsDir = join(nodeDir, 'logs')
  return {
    nodeDir,
    dataDir: join(nodeDir, 'data'),
    logsDir,
    serverLog: join(logsDir, 'server.log'),
    stdoutLog: join(logsDir, 'stdout.log'),
    properties: join(nodeDir, 'server.properties'),
  }
}

/**
 * KafkaRaftServer logs this once startup has finished, and a broker's startup only finishes after
 * the controller has unfenced it (BrokerServer waits for "the broker to be unfenced"), which in
 * turn needs a quorum leader.
 */
const READY_LINE = /Kafka Server started/
const EXEC_TIMEOUT_MS = 10_000
const UNFENCED_LINE = /The broker has been unfenced|Transitioning from RECOVERY to RUNNING/

export interface StartNodeOptions {
  distribution: KafkaDistribution
  clusterDir: string
  shape: ClusterShape
  heapMb: number
  brokerConfig: Readonly<Record<string, string>>
  env: NodeJS.ProcessEnv
  /** Kill the node when the calling process dies (Linux's parent-death signal, via setpriv). */
  dieWithCaller: boolean
  secure: SecureListenerRecord | undefined
  /** Run each node in its own network namespace of this network. */
  network: NetworkRecord | undefined
}

export async function writeNodeProperties (node: NodeSpec, options: StartNodeOptions): Promise<NodePaths> {
  const paths = nodePaths(options.clusterDir, node.id)
  await mkdir(paths.logsDir, { recursive: true })
  // JAAS config and keystore passwords, when the secure listener is on.
  await writeSecretFile(paths.properties, renderServerProperties(node, options.shape, paths.dataDir, options.brokerConfig, options.secure))
  return paths
}

export async function formatNode (node: NodeSpec, clusterId: string, initialControllers: string | undefined, options: StartNodeOptions): Promise<void> {
  const paths = await writeNodeProperties(node, options)
  const quorum = initialControllers === undefined ? ['--no-initial-controllers'] : ['--initial-controllers', initialControllers]
  const result = await runKafkaTool(options.distribution, 'kafka-storage', [
    'format', '--config', paths.properties, '--cluster-id', clusterId, '--ignore-formatted',
    '--feature', 'eligible.leader.replicas.version=1',
    ...quorum,
    ...(options.secure ? scramFormatArgs(options.secure) : []),
  ], { env: options.env })
  if (result.code !== 0) {
    const logTail = relevantTail(result.stdout + result.stderr)
    throw new LocalKafkaError(LocalKafkaErrorCodes.FORMAT_FAILED, `formatting node ${node.id} failed (exit ${result.code}):\n${logTail}`, { nodeId: node.id, logTail })
  }
}

export function nodeJavaArgs (distribution: KafkaDistribution, paths: NodePaths, heapMb: number): string[] {
  return [
    `-Xms${Math.min(heapMb, 256)}m`, `-Xmx${heapMb}m`,
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${paths.logsDir}`,
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    nodeMarker(paths.nodeDir),
    '-cp', distribution.classpath,
    'kafka.Kafka', paths.properties,
  ]
}

export interface StartedNode {
  pid: number
  /** Where this start's lines begin in server.log, so an old "started" line never counts. */
  logOffset: number
  /** How the process ended, once it has (while this process lives to see it). */
  exit: { code: number | null, signal: NodeJS.Signals | null } | undefined
}

export async function spawnNode (node: NodeSpec, options: StartNodeOptions): Promise<StartedNode> {
  const paths = await writeNodeProperties(node, options)
  const logOffset = await fileSize(paths.serverLog)
  const out = openSync(paths.stdoutLog, 'a')
  const java = javaBinary(options.env)
  const args = nodeJavaArgs(options.distribution, paths, options.heapMb)
  // `ip netns exec` and setpriv each exec the next program, so the pid stays the JVM's.
  const chain = [
    ...(options.network ? inNamespace(options.network, node.id) : []),
    ...(options.dieWithCaller && existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL'] : []),
    java, ...args,
  ]
  const [command, ...argv] = chain as [string, ...string[]]
  try {
    const child = spawn(command, argv, { detached: true, stdio: ['ignore', out, out], env: options.env })
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number))
      child.once('error', reject)
    })
    const started: StartedNode = { pid, logOffset, exit: undefined }
    child.once('exit', (code, signal) => { started.exit = { code, signal } })
    child.unref()
    // Until the child has exec'd, /proc shows the parent's command line, without the marker:
    // wait for it, or a readiness check right after would take the node for dead.
    if (!await waitForNodeState(pid, nodeMarker(paths.nodeDir), 'running', EXEC_TIMEOUT_MS)) {
      throw new LocalKafkaError(LocalKafkaErrorCodes.START_FAILED, `node ${node.id} (pid ${pid}) did not start ${java} within ${EXEC_TIMEOUT_MS / 1000} s${exitText(started)}`, { nodeId: node.id })
    }
    return started
  } catch (cause) {
    if (cause instanceof LocalKafkaError) throw cause
    throw new LocalKafkaError(LocalKafkaErrorCodes.START_FAILED, `could not run ${java} for node ${node.id}`, { nodeId: node.id, cause })
  } finally {
    closeSync(out)
  }
}

function exitText (started: StartedNode): string {
  const exit = started.exit
  if (!exit) return ''
  return exit.signal ? ` (killed by ${exit.signal})` : ` (exit code ${exit.code})`
}

async function failureTail (paths: NodePaths, logOffset: number): Promise<string> {
  const server = relevantTail(await readFrom(paths.serverLog, logOffset))
  const stdout = relevantTail(await readFrom(paths.stdoutLog, 0, 64 * 1024), 10)
  const parts = [server && `${paths.serverLog}:\n${server}`, stdout && `${paths.stdoutLog}:\n${stdout}`].filter(Boolean)
  return parts.length > 0 ? parts.join('\n') : `(nothing in ${paths.serverLog} or ${paths.stdoutLog})`
}

export interface WaitForReadyOptions {
  clusterDir: string
  timeoutMs: number
  signal?: AbortSignal
}

/** Resolves when the node's log says it started; rejects with the log's tail if it dies or hangs. */
export async function waitForNodeReady (node: NodeSpec, started: StartedNode, options: WaitForReadyOptions): Promise<void> {
  const paths = nodePaths(options.clusterDir, node.id)
  const marker = nodeMarker(paths.nodeDir)
  const isBroker = node.roles.includes('broker')
  const outcome = await waitUntil(async () => {
    // Gone twice, a moment apart, or seen to exit: one look can miss a live process under load.
    if (await processState(started.pid, marker) === 'gone') {
      if (started.exit) return 'died'
      await new Promise(resolve => setTimeout(resolve, 500))
      if (started.exit || await processState(started.pid, marker) === 'gone') return 'died'
    }
    const text = await readFrom(paths.serverLog, started.logOffset)
    const ready = READY_LINE.test(text) && (!isBroker || UNFENCED_LINE.test(text))
    return ready ? 'ready' : undefined
  }, { timeoutMs: options.timeoutMs, initialDelayMs: 100, maxDelayMs: 500, signal: options.signal })
  if (outcome === 'ready') return
  const logTail = await failureTail(paths, started.logOffset)
  if (outcome === 'died') {
    throw new LocalKafkaError(LocalKafkaErrorCodes.START_FAILED, `node ${node.id} exited while starting${exitText(started)}:\n${logTail}`, { nodeId: node.id, logTail })
  }
  throw new LocalKafkaError(LocalKafkaErrorCodes.START_TIMEOUT, `node ${node.id} was not ready after ${Math.round(options.timeoutMs / 1000)} s:\n${logTail}`, { nodeId: node.id, logTail, canRetry: true })
}

export async function waitForNodeState (pid: number, marker: string, wanted: ProcessState, timeoutMs: number): Promise<boolean> {
  const reached = await waitUntil(async () => (await processState(pid, marker)) === wanted ? true : undefined, { timeoutMs, initialDelayMs: 20, maxDelayMs: 500 })
  return reached === true
}
