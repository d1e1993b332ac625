// The pipeline as separate processes, as it runs in production: collectors and processors (each
// a `service-main.ts` child, forked with an IPC channel) on a PostgreSQL server of the run's own,
// started from the machine's binaries in a directory of its own, against the local cluster. Each
// process can be killed, started again or added, and the store halted and started, by the faults.
import { fork, type ChildProcess } from 'node:child_process'
import { SERVICE_MAIN_PATH, type ServiceConfig, type ServiceMessage, type TrackingPlan } from '@tackle/pipeline'
import { startPostgres, type PostgresServer } from '@tackle/pipeline/testkit'
import { VerifyError, VerifyErrorCodes } from '../errors.ts'

export interface TopologyOptions {
  brokers: readonly string[]
  topicPrefix: string
  groupPrefix: string
  writeKey: string
  collectors: number
  processors: number
  trackingPlans: Record<string, TrackingPlan>
  startTimeoutMs: number
}

interface Member {
  role: ServiceConfig['role']
  child: ChildProcess
  url: string | undefined
  stderr: string
  /** Killed by a fault or closed by the run: an exit that is no crash. */
  ended: boolean
}

export interface ProcessorStatus {
  pid: number
  owned: number[]
  stored: number
}

const STDERR_KEPT = 4_000

export class PipelineTopology {
  readonly #options: TopologyOptions
  readonly #members: Array<Member | undefined> = []
  /** Processes that exited on their own: each a crash, with the tail of what it wrote to stderr. */
  readonly crashes: string[] = []
  #store: PostgresServer | undefined

  constructor (options: TopologyOptions) {
    this.#options = options
  }

  get databaseUrl (): string {
    if (!this.#store) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, 'the pipeline topology has not started')
    return this.#store.url
  }

  get store (): PostgresServer {
    if (!this.#store) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, 'the pipeline topology has not started')
    return this.#store
  }

  async start (): Promise<void> {
    this.#store = await startPostgres()
    // Processors first: they create the store's tables before any event could wait for them.
    for (let i = 0; i < this.#options.processors; i++) await this.add('processor')
    for (let i = 0; i < this.#options.collectors; i++) await this.add('collector')
  }

  /** The collectors that are up now, for the clients to spread their requests over. */
  collectorUrls (): string[] {
    return this.#members.filter((m): m is Member => m?.role === 'collector' && m.url !== undefined && m.child.exitCode === null && m.child.signalCode === null).map(m => m.url as string)
  }

  /** The URL a collector in this slot answers on, while it is up. */
  urlOf (slot: number): string | undefined {
    return this.#members[slot]?.url
  }

  /** Slots of the members of a role, dead or alive, for the faults to pick from. */
  slots (role: ServiceConfig['role']): number[] {
    return this.#members.flatMap((m, slot) => m?.role === role ? [slot] : [])
  }

  /** Starts one more member of the role; its slot. */
  async add (role: ServiceConfig['role']): Promise<number> {
    const slot = this.#members.length
    this.#members.push(undefined)
    await this.restart(slot, role)
    return slot
  }

  /** SIGKILL: no goodbye, mid-request or mid-batch. */
  kill (slot: number): number {
    const member = this.#members[slot]
    if (!member?.child.pid) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `no pipeline process in slot ${slot}`)
    member.ended = true
    member.child.kill('SIGKILL')
    return member.child.pid
  }

  /** Starts the member of `slot` again (after a kill), waiting until it says it is ready. */
  async restart (slot: number, role = this.#members[slot]?.role): Promise<number> {
    if (!role) throw new VerifyError(VerifyErrorCodes.INVALID_OPTIONS, `no pipeline process in slot ${slot}`)
    const config: ServiceConfig = role === 'collector'
      ? { role, topicPrefix: this.#options.topicPrefix, bootstrapBrokers: this.#options.brokers, writeKeys: [this.#options.writeKey], port: 0, host: '127.0.0.1' }
      : { role, topicPrefix: this.#options.topicPrefix, bootstrapBrokers: this.#options.brokers, databaseUrl: this.databaseUrl, duckdbPath: '', groupPrefix: this.#options.groupPrefix, trackingPlans: this.#options.trackingPlans }
    const child = fork(SERVICE_MAIN_PATH, [JSON.stringify(config)], { execArgv: ['--disable-warning=ExperimentalWarning'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' })
    const member: Member = { role, child, url: undefined, stderr: '', ended: false }
    child.stderr?.on('data', (chunk: Buffer) => { member.stderr = (member.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT) })
    child.once('exit', (code, signal) => {
      if (!member.ended) this.crashes.push(`the ${role} in slot ${slot} (pid ${child.pid}) exited by itself (${signal ?? `code ${code}`}): ${member.stderr.trim().split('\n').slice(-12).join('\n')}`)
    })
    this.#members[slot] = member
    const ready = await new Promise<ServiceMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new VerifyError(VerifyErrorCodes.SETUP_FAILED, `the ${role} in slot ${slot} was not ready within ${this.#options.startTimeoutMs / 1000} s: ${member.stderr.slice(-500)}`)), this.#options.startTimeoutMs)
      child.on('message', (message: ServiceMessage) => {
        if (message.type === 'ready' || message.type === 'failed') { clearTimeout(timer); resolve(message) }
      })
      child.once('exit', code => { clearTimeout(timer); reject(new VerifyError(VerifyErrorCodes.SETUP_FAILED, `the ${role} in slot ${slot} exited (${code}) before it was ready: ${member.stderr.slice(-500)}`)) })
    })
    if (ready.type === 'failed') throw new VerifyError(VerifyErrorCodes.SETUP_FAILED, `the ${role} in slot ${slot} failed to start: ${ready.message}`)
    if (ready.type === 'ready') member.url = ready.url
    return child.pid as number
  }

  /** What each live processor owns of the events topic, and has stored. */
  async processorStatus (timeoutMs = 10_000): Promise<ProcessorStatus[]> {
    const live = this.#members.filter((m): m is Member => m?.role === 'processor' && m.child.exitCode === null && m.child.signalCode === null && m.child.connected)
    return Promise.all(live.map(member => new Promise<ProcessorStatus>((resolve) => {
      const timer = setTimeout(() => { member.child.off('message', listen); resolve({ pid: member.child.pid as number, owned: [], stored: -1 }) }, timeoutMs)
      const listen = (message: ServiceMessage) => {
        if (message.type !== 'status') return
        clearTimeout(timer)
        member.child.off('message', listen)
        resolve({ pid: message.pid, owned: message.owned, stored: message.stored })
      }
      member.child.on('message', listen)
      member.child.send({ type: 'status' })
    })))
  }

  /** Closes every process gently (SIGTERM, then SIGKILL after a grace), then stops and deletes the store. */
  async close (): Promise<void> {
    await Promise.all(this.#members.map(async member => {
      if (!member || member.child.exitCode !== null || member.child.signalCode !== null) return
      member.ended = true
      const exited = new Promise(resolve => member.child.once('exit', resolve))
      member.child.kill('SIGTERM')
      const timer = setTimeout(() => member.child.kill('SIGKILL'), 40_000)
      await exited
      clearTimeout(timer)
    }))
    await this.#store?.stop()
  }
}
