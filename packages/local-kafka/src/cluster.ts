import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ensureKafka, type KafkaDistribution } from './distribution.ts'
import { LocalKafkaAggregateError, LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { ensureJava } from './java.ts'
import { randomKafkaUuid } from './kafka-uuid.ts'
import { withLock } from './lock.ts'
import { createNetwork, degrade, healNetwork, isolate, networkFor, nodeAddress, removeAbandonedNetworks, removeNetwork, type Degradation, type NetworkRecord } from './network-namespaces.ts'
import { HOST, initialControllers, type ClusterShape, type NodeRole } from './node-config.ts'
import { formatNode, nodePaths, spawnNode, waitForNodeReady, waitForNodeState, type StartNodeOptions } from './node-process.ts'
import { resolveLocalClusterOptions, stateFilePath, validateNodeCount, type LocalClusterOptions } from './options.ts'
import { allocatePorts } from './ports.ts'
import { findProcessesByArgPrefix, isPidAlive, nodeMarker, processState, residentMemoryBytes } from './process-info.ts'
import { describeQuorum, type QuorumStatus } from './quorum.ts'
import { createSecureListener, SASL_MECHANISMS, type SecureConnection } from './secure-listener.ts'
import { bootstrapServers, readClusterRecord, writeClusterRecord, STATE_FORMAT, type ClusterRecord, type NodeRecord } from './state.ts'

export type NodeState = 'running' | 'paused' | 'stopped'

export interface NodeStatus {
  id: number
  roles: readonly NodeRole[]
  /** 127.0.0.1, or the node's own address in its network namespace. */
  host: string
  pid: number | null
  port: number
  controllerPort: number
  state: NodeState
  rssBytes: number | null
  logFile: string
}

export interface ClusterStatus {
  dir: string
  clusterId: string
  kafkaVersion: string
  bootstrap: string
  nodes: NodeStatus[]
  /** The SASL_SSL listener and its credentials, on clusters created with `secure`. */
  secure: SecureConnection | undefined
  /** The subnet, bridge and namespace prefix, on clusters whose nodes run in network namespaces. */
  network: NetworkRecord | undefined
}

export type UpProgress =
  | { phase: 'fetch', version: string }
  | { phase: 'format', nodes: number }
  | { phase: 'start', ready: number, total: number }
  | { phase: 'quorum' }

export interface UpOptions {
  /** How many nodes; omitted, an existing cluster keeps its size and a new one gets 3. */
  nodes?: number
  onProgress?: (event: UpProgress) => void
  signal?: AbortSignal
}

export interface UpResult extends ClusterStatus {
  /** Whether this call started anything, or found the cluster running already. */
  started: number[]
  quorum: QuorumStatus
}

export type NodeAction = 'start' | 'stop' | 'kill' | 'pause' | 'resume'

const DEFAULT_NODES = 3

export class LocalCluster {
  readonly options: Readonly<LocalClusterOptions>
  #distribution: KafkaDistribution | undefined

  constructor (options: Partial<LocalClusterOptions> = {}) {
    this.options = resolveLocalClusterOptions(options)
  }

  get dir (): string {
    return this.options.dir
  }

  get #stateFile (): string {
    return stateFilePath(this.options.dir)
  }

  async #lock<T> (work: () => Promise<T>): Promise<T> {
    return withLock(join(this.options.dir, '.lock'), this.options.startTimeoutMs, work)
  }

  async distribution (onFetchStart?: (version: string) => void, signal?: AbortSignal): Promise<KafkaDistribution> {
    this.#distribution ??= await ensureKafka({
      version: this.options.kafkaVersion,
      cacheDir: this.options.cacheDir,
      env: this.options.env,
      onFetchStart,
      signal,
    })
    return this.#distribution
  }

  /** Undefined when no cluster was ever created in this directory. */
  async status (): Promise<ClusterStatus | undefined> {
    const record = await readClusterRecord(this.#stateFile)
    return record && this.#statusOf(record)
  }

  async #statusOf (record: ClusterRecord): Promise<ClusterStatus> {
    const nodes = await Promise.all(record.nodes.map(async (node): Promise<NodeStatus> => {
      const live = await processState(node.pid, nodeMarker(node.dir))
      const state: NodeState = live === 'gone' ? 'stopped' : live
      return {
        id: node.id,
        roles: node.roles,
        host: node.host ?? HOST,
        pid: state === 'stopped' ? null : node.pid,
        port: node.port,
        controllerPort: node.controllerPort,
        state,
        rssBytes: state === 'stopped' || node.pid === null ? null : (await residentMemoryBytes(node.pid)) ?? null,
        logFile: nodePaths(this.options.dir, node.id).serverLog,
      }
    }))
    const secure = record.secure && {
      bootstrap: bootstrapServers(record.nodes, 'securePort'),
      caFile: record.secure.caFile,
      username: record.secure.username,
      password: record.secure.password,
      mechanisms: SASL_MECHANISMS,
    }
    return { dir: this.options.dir, clusterId: record.clusterId, kafkaVersion: record.kafkaVersion, bootstrap: bootstrapServers(record.nodes), nodes, secure, network: record.network }
  }

  #startOptions (record: ClusterRecord, distribution: KafkaDistribution): StartNodeOptions {
    const controllers = record.nodes.filter(n => n.roles.includes('controller'))
    const shape: ClusterShape = { brokerCount: record.nodes.filter(n => n.roles.includes('broker')).length, controllers }
    return {
      distribution,
      clusterDir: this.options.dir,
      shape,
      heapMb: record.heapMb,
      brokerConfig: this.options.brokerConfig,
      env: this.options.env,
      dieWithCaller: this.options.ownerPid === process.pid,
      secure: record.secure,
      network: record.network,
    }
  }

  /** SIGKILLs every node process of this directory still alive: strays of a crashed run, or nodes that ignored SIGTERM. */
  async #killStrays (): Promise<void> {
    for (const pid of await findProcessesByArgPrefix(nodeMarker(join(this.options.dir, 'node-')))) process.kill(pid, 'SIGKILL')
  }

  /** Everything in the directory but the lock this call holds. */
  async #wipe (): Promise<void> {
    const entries = await readdir(this.options.dir).catch(() => [])
    for (const entry of entries) {
      if (entry !== '.lock') await rm(join(this.options.dir, entry), { recursive: true, force: true })
    }
  }

  /** A cluster whose owning process (a test run) died is stale: nothing in it can be trusted. */
  async #discardIfStale (record: ClusterRecord | undefined): Promise<ClusterRecord | undefined> {
    if (record?.ownerPid == null || isPidAlive(record.ownerPid) || record.ownerPid === this.options.ownerPid) return record
    await this.#killStrays()
    if (record.network) await removeNetwork(record.network)
    await this.#wipe()
    return undefined
  }

  async #create (nodeCount: number, distribution: KafkaDistribution, onProgress?: (event: UpProgress) => void): Promise<ClusterRecord> {
    // Without a state file, node directories left here belong to no cluster that could be run.
    await this.#killStrays()
    await this.#wipe()
    // A crashed run's namespaces go too, this directory's and any whose cluster is wholly gone.
    const network = this.options.network === 'netns' ? networkFor(this.options.dir) : undefined
    if (network) {
      await removeNetwork(network)
      await removeAbandonedNetworks()
    }
    const ports = await allocatePorts(nodeCount, this.options.portBase)
    const nodes: NodeRecord[] = ports.map((p, i) => ({
      id: i + 1,
      roles: ['broker', 'controller'],
      port: p.port,
      controllerPort: p.controllerPort,
      ...(this.options.secure ? { securePort: p.securePort } : {}),
      ...(network ? { host: nodeAddress(network, i + 1) } : {}),
      pid: null,
      dir: nodePaths(this.options.dir, i + 1).nodeDir,
    }))
    const record: ClusterRecord = {
      format: STATE_FORMAT,
      clusterId: randomKafkaUuid(),
      kafkaVersion: distribution.version,
      heapMb: this.options.heapMb,
      createdAt: new Date().toISOString(),
      ownerPid: this.options.ownerPid ?? null,
      nodes,
      ...(this.options.secure ? { secure: await createSecureListener(join(this.options.dir, 'secure'), this.options.env) } : {}),
      ...(network ? { network } : {}),
    }
    onProgress?.({ phase: 'format', nodes: nodeCount })
    const directoryIds = new Map(nodes.map(n => [n.id, randomKafkaUuid()]))
    const voters = initialControllers(nodes, directoryIds)
    const startOptions = this.#startOptions(record, distribution)
    await Promise.all(nodes.map(n => formatNode(n, record.clusterId, voters, startOptions)))
    await writeClusterRecord(this.#stateFile, record)
    return record
  }

  /** Starts the cluster, creating it first if needed; a running cluster is reported as it is. */
  async up (options: UpOptions = {}): Promise<UpResult> {
    const wanted = options.nodes === undefined ? undefined : validateNodeCount(options.nodes)
    await ensureJava(this.options.env)
    return this.#lock(async () => {
      const distribution = await this.distribution(version => options.onProgress?.({ phase: 'fetch', version }), options.signal)
      let record = await this.#discardIfStale(await readClusterRecord(this.#stateFile))
      if (record && wanted !== undefined && wanted !== record.nodes.length) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.SHAPE_MISMATCH, `${this.options.dir} holds a ${record.nodes.length}-node cluster, not ${wanted}`, { dir: this.options.dir })
      }
      if (record && record.kafkaVersion !== distribution.version) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.SHAPE_MISMATCH, `${this.options.dir} holds Kafka ${record.kafkaVersion}, not ${distribution.version}`, { dir: this.options.dir })
      }
      if (record && (this.options.network === 'netns') !== (record.network !== undefined)) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.SHAPE_MISMATCH, `${this.options.dir} holds a cluster ${record.network ? 'in' : 'without'} network namespaces`, { dir: this.options.dir })
      }
      if (record && this.options.secure && !record.secure) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.SHAPE_MISMATCH, `${this.options.dir} holds a cluster created without a secure listener`, { dir: this.options.dir })
      }
      record ??= await this.#create(wanted ?? DEFAULT_NODES, distribution, options.onProgress)
      if (this.options.ownerPid !== undefined) record.ownerPid = this.options.ownerPid
      const started = await this.#startNodes(record, distribution, record.nodes.map(n => n.id), options)
      const status = await this.#statusOf(record)
      options.onProgress?.({ phase: 'quorum' })
      const quorum = await describeQuorum(distribution, status.bootstrap, this.options.env)
      if (!quorum || quorum.leaderId < 0) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.QUORUM_NO_LEADER, `the KRaft quorum of ${status.bootstrap} reports no leader`, { dir: this.options.dir, canRetry: true })
      }
      return { ...status, started, quorum }
    })
  }

  /**
   * Spawns the named nodes that are not running, resumes paused ones, then waits for all of them.
   * All are spawned before any is awaited: a restarted controller quorum needs a majority up.
   */
  async #startNodes (record: ClusterRecord, distribution: KafkaDistribution, ids: readonly number[], options: UpOptions): Promise<number[]> {
    // `down` removes the namespaces; a start makes them again.
    if (record.network) await createNetwork(record.network, record.nodes.map(n => n.id))
    const startOptions = this.#startOptions(record, distribution)
    const spawned: Array<{ node: NodeRecord, started: Awaited<ReturnType<typeof spawnNode>> }> = []
    for (const node of record.nodes.filter(n => ids.includes(n.id))) {
      const state = await processState(node.pid, nodeMarker(node.dir))
      if (state === 'paused' && node.pid) process.kill(node.pid, 'SIGCONT')
      if (state !== 'gone') continue
      const started = await spawnNode(node, startOptions)
      node.pid = started.pid
      spawned.push({ node, started })
    }
    await writeClusterRecord(this.#stateFile, record)

    let ready = ids.length - spawned.length
    options.onProgress?.({ phase: 'start', ready, total: ids.length })
    const results = await Promise.allSettled(spawned.map(async ({ node, started }) => {
      await waitForNodeReady(node, started, { clusterDir: this.options.dir, timeoutMs: this.options.startTimeoutMs, signal: options.signal })
      options.onProgress?.({ phase: 'start', ready: ++ready, total: ids.length })
    }))
    const failures = results.flatMap(r => r.status === 'rejected' ? [r.reason as unknown] : [])
    if (failures.length === 0) return spawned.map(s => s.node.id)

    // Leave nothing half-started behind: kill what this call spawned, then say why it failed.
    for (const { node } of spawned) {
      if (node.pid && await processState(node.pid, nodeMarker(node.dir)) !== 'gone') process.kill(node.pid, 'SIGKILL')
      node.pid = null
    }
    await writeClusterRecord(this.#stateFile, record)
    const errors = failures.map(f => f instanceof LocalKafkaError ? f : new LocalKafkaError(LocalKafkaErrorCodes.ABORTED, String(f), { cause: f }))
    if (errors.length === 1) throw errors[0]
    throw new LocalKafkaAggregateError(errors, `${errors.length} nodes failed to start:\n${errors.map(e => e.message).join('\n')}`)
  }

  async #requireRecord (): Promise<ClusterRecord> {
    const record = await readClusterRecord(this.#stateFile)
    if (!record) throw new LocalKafkaError(LocalKafkaErrorCodes.NOT_CREATED, `no local cluster in ${this.options.dir}`, { dir: this.options.dir })
    return record
  }

  #requireNode (record: ClusterRecord, id: number): NodeRecord {
    const node = record.nodes.find(n => n.id === id)
    if (!node) throw new LocalKafkaError(LocalKafkaErrorCodes.NODE_UNKNOWN, `no node ${id} in ${this.options.dir}; nodes are ${record.nodes.map(n => n.id).join(', ')}`, { nodeId: id })
    return node
  }

  /** SIGTERM, then waits for a clean exit (controlled shutdown moves its leaderships away first). */
  async #terminate (node: NodeRecord): Promise<void> {
    const marker = nodeMarker(node.dir)
    const state = await processState(node.pid, marker)
    if (state === 'gone' || !node.pid) return
    // A stopped process keeps SIGTERM pending until it runs again.
    if (state === 'paused') process.kill(node.pid, 'SIGCONT')
    process.kill(node.pid, 'SIGTERM')
    if (!await waitForNodeState(node.pid, marker, 'gone', this.options.stopTimeoutMs)) {
      throw new LocalKafkaError(LocalKafkaErrorCodes.STOP_TIMEOUT, `node ${node.id} (pid ${node.pid}) still runs ${Math.round(this.options.stopTimeoutMs / 1000)} s after SIGTERM`, { nodeId: node.id, canRetry: true })
    }
  }

  async #signal (node: NodeRecord, action: 'kill' | 'pause' | 'resume'): Promise<void> {
    const marker = nodeMarker(node.dir)
    const state = await processState(node.pid, marker)
    const from = { kill: ['running', 'paused'], pause: ['running'], resume: ['paused'] }[action]
    if (!from.includes(state) || !node.pid) {
      throw new LocalKafkaError(LocalKafkaErrorCodes.NODE_STATE, `cannot ${action} node ${node.id}: it is ${state === 'gone' ? 'stopped' : state}`, { nodeId: node.id })
    }
    const [signal, target] = ({ kill: ['SIGKILL', 'gone'], pause: ['SIGSTOP', 'paused'], resume: ['SIGCONT', 'running'] } as const)[action]
    process.kill(node.pid, signal)
    await waitForNodeState(node.pid, marker, target, 10_000)
  }

  /** Acts on one node: stop (SIGTERM), kill (SIGKILL), pause (SIGSTOP), resume (SIGCONT) or start. */
  async node (id: number, action: NodeAction, options: { signal?: AbortSignal } = {}): Promise<NodeStatus> {
    return this.#lock(async () => {
      const record = await this.#requireRecord()
      const node = this.#requireNode(record, id)
      if (action === 'start') {
        if (await processState(node.pid, nodeMarker(node.dir)) !== 'gone') {
          throw new LocalKafkaError(LocalKafkaErrorCodes.NODE_STATE, `node ${id} is already running; resume it if it is paused`, { nodeId: id })
        }
        await this.#startNodes(record, await this.distribution(), [id], options)
      } else if (action === 'stop') {
        await this.#terminate(node)
        node.pid = null
      } else {
        await this.#signal(node, action)
        if (action === 'kill') node.pid = null
      }
      await writeClusterRecord(this.#stateFile, record)
      const status = await this.#statusOf(record)
      return status.nodes.find(n => n.id === id) as NodeStatus
    })
  }

  async #network (): Promise<{ record: ClusterRecord, network: NetworkRecord }> {
    const record = await this.#requireRecord()
    if (!record.network) throw new LocalKafkaError(LocalKafkaErrorCodes.NETNS_REQUIRED, `the cluster in ${this.options.dir} runs on loopback, not in network namespaces`, { dir: this.options.dir })
    return { record, network: record.network }
  }

  /** Cuts node `id` off from the other nodes (or those named), both ways; clients still reach every node. */
  async isolate (id: number, from?: readonly number[]): Promise<void> {
    const { record, network } = await this.#network()
    this.#requireNode(record, id)
    await isolate(network, id, from ?? record.nodes.map(n => n.id).filter(other => other !== id))
  }

  /** Delays and drops what node `id` sends (tc netem, where the kernel has it). */
  async degrade (id: number, how: Degradation): Promise<void> {
    const { record, network } = await this.#network()
    this.#requireNode(record, id)
    await degrade(network, id, how)
  }

  /** Removes every network fault. */
  async healNetwork (): Promise<void> {
    const { record, network } = await this.#network()
    await healNetwork(network, record.nodes.map(n => n.id))
  }

  /**
   * Adds a broker-only node with the next free id and starts it: the new instance of a broker
   * replacement. It joins the running quorum as an observer; the voters stay as formatted.
   */
  async addBroker (options: { signal?: AbortSignal } = {}): Promise<NodeStatus> {
    return this.#lock(async () => {
      const record = await this.#requireRecord()
      // Above every node there is and every node-N directory a removed node left behind, whose
      // id the cluster may still know.
      const left = (await readdir(this.options.dir).catch(() => [] as string[])).map(name => /^node-(\d+)$/.exec(name)?.[1]).filter(n => n !== undefined).map(Number)
      const id = Math.max(...record.nodes.map(n => n.id), ...left) + 1
      validateNodeCount(id)
      const [ports] = await allocatePorts(1, this.options.portBase === undefined ? undefined : this.options.portBase + id - 1)
      if (!ports) throw new LocalKafkaError(LocalKafkaErrorCodes.NO_FREE_PORTS, 'no free port for a new broker')
      const node: NodeRecord = {
        id,
        roles: ['broker'],
        port: ports.port,
        controllerPort: ports.controllerPort,
        ...(record.secure ? { securePort: ports.securePort } : {}),
        ...(record.network ? { host: nodeAddress(record.network, id) } : {}),
        pid: null,
        dir: nodePaths(this.options.dir, id).nodeDir,
      }
      record.nodes.push(node)
      const distribution = await this.distribution()
      await formatNode(node, record.clusterId, undefined, this.#startOptions(record, distribution))
      await writeClusterRecord(this.#stateFile, record)
      await this.#startNodes(record, distribution, [id], options)
      const status = await this.#statusOf(record)
      return status.nodes.find(n => n.id === id) as NodeStatus
    })
  }

  /**
   * Takes a broker-only node out of the cluster for good: stopped first, then dropped from the
   * cluster's record so status and health no longer list it; its data stays unless `purge`.
   * Controllers are refused: removing a voter changes the quorum, which this harness formats once.
   */
  async removeNode (id: number, options: { purge?: boolean } = {}): Promise<{ id: number, dir: string, purged: boolean }> {
    return this.#lock(async () => {
      const record = await this.#requireRecord()
      const node = this.#requireNode(record, id)
      if (node.roles.includes('controller')) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.NODE_STATE, `node ${id} is a KRaft controller (a voter of the quorum); only broker-only nodes, added with add-broker, can be removed`, { nodeId: id })
      }
      if (record.nodes.filter(n => n.roles.includes('broker')).length <= 1) {
        throw new LocalKafkaError(LocalKafkaErrorCodes.NODE_STATE, `node ${id} is the last broker`, { nodeId: id })
      }
      await this.#terminate(node)
      record.nodes = record.nodes.filter(n => n.id !== id)
      await writeClusterRecord(this.#stateFile, record)
      if (options.purge) await rm(node.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      return { id, dir: node.dir, purged: options.purge ?? false }
    })
  }

  /** Stops every node; with `purge`, also deletes the directory: data, logs and state. */
  async down (options: { purge?: boolean } = {}): Promise<ClusterStatus | undefined> {
    // A state file nobody can read still leaves a cluster to delete: its nodes are found by their marker.
    const found = await readClusterRecord(this.#stateFile).catch((error: { code?: string }) => {
      if (options.purge && error.code === LocalKafkaErrorCodes.STATE_CORRUPT) return 'corrupt' as const
      throw error
    })
    if (found === 'corrupt') {
      await this.#killStrays()
      await rm(this.options.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      return undefined
    }
    const stop = async () => {
      const record = await readClusterRecord(this.#stateFile)
      if (record) {
        const results = await Promise.allSettled(record.nodes.map(n => this.#terminate(n)))
        // Whatever ignored SIGTERM past the deadline is killed: `down` must leave nothing running.
        for (const [i, result] of results.entries()) {
          const node = record.nodes[i] as NodeRecord
          if (result.status === 'rejected' && node.pid) process.kill(node.pid, 'SIGKILL')
          node.pid = null
        }
        await writeClusterRecord(this.#stateFile, record)
        if (record.network) await removeNetwork(record.network)
      }
      await this.#killStrays()
      return record && this.#statusOf(record)
    }
    // No lock (which would create the directory) where there is no cluster at all.
    const status = await (found ? this.#lock(stop) : stop())
    // A node just killed can still be closing files: retry the few errors that race causes.
    if (options.purge) await rm(this.options.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    return status
  }
}
