// npm run bench -- NAME [--json] [--records N] [--size BYTES] [--clients a,b]; NAME: producer, consumer, roll, collector, insights, experiments
// Runs Tackle and its peers side by side on one cluster, under the same settings, each client in
// a process of its own and on a topic of its own (RF 3, 6 partitions, min.insync.replicas 2).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ensureTopics } from '@tackle/client'
import { LocalCluster, ensureKafka, kafkaToolJavaArgs } from '@tackle/local-kafka'
import type { ClientResult } from './stats.ts'

const BENCHES = {
  producer: ['tackle', 'tackle-sendmany', 'platformatic', 'kafkajs', 'java'],
  consumer: ['tackle', 'platformatic', 'kafkajs', 'java'],
  roll: ['tackle-roll', 'bare-restarts'],
  collector: ['collector', 'tackle-producer'],
} as const

// The roll, collector, insights and experiments benchmarks time an operation, a server and queries, not clients: each has a script of its own.
if (['roll', 'collector', 'insights', 'experiments'].includes(process.argv[2] ?? '')) {
  await import(`./${process.argv[2]}.ts`)
  process.exit(0)
}

const { positionals, values: flags } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '512' },
    clients: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
const name = positionals[0] as keyof typeof BENCHES | undefined
if (flags.help || !name || !Object.hasOwn(BENCHES, name)) {
  process.stderr.write(`usage: npm run --silent bench -- ${[...Object.keys(BENCHES), 'insights', 'experiments'].join('|')} [--json] [--records N] [--size BYTES] [--clients ${BENCHES.producer.join(',')}]\n`)
  process.exit(flags.help ? 0 : 64)
}
const records = Number(flags.records)
const size = Number(flags.size)
const clients = flags.clients ? flags.clients.split(',') : [...BENCHES[name]]

function log (line: string): void {
  process.stderr.write(`${line}\n`)
}

/** Peak RSS of another process, sampled from /proc until it exits. */
function samplePeakRss (pid: number): () => number {
  let peak = 0
  const timer = setInterval(() => {
    try {
      const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      peak = Math.max(peak, kb)
    } catch {}
  }, 100)
  return () => { clearInterval(timer); return Math.round(peak / 1024) }
}

function run (command: string, args: string[]): Promise<{ stdout: string, peakRssMb: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    const stop = samplePeakRss(child.pid as number)
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.on('error', reject)
    child.on('close', code => {
      const peakRssMb = stop()
      if (code === 0) resolvePromise({ stdout, peakRssMb })
      else reject(new Error(`${command} ${args.slice(-6).join(' ')} exited with ${code}`))
    })
  })
}

async function javaProducer (brokers: string, topic: string): Promise<ClientResult> {
  const distribution = await ensureKafka()
  const { stdout, peakRssMb } = await run('java', kafkaToolJavaArgs(distribution, 'kafka-producer-perf-test', [
    '--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'enable.idempotence=true', 'compression.type=none', 'linger.ms=5',
  ]))
  const last = stdout.trim().split('\n').at(-1) ?? ''
  const match = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\).*?(\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/.exec(last)
  if (!match) throw new Error(`unexpected kafka-producer-perf-test output: ${last}`)
  return { client: 'java', records, recordsPerSec: Math.round(Number(match[1])), mbPerSec: Number(match[2]), p50Ms: Number(match[3]), p99Ms: Number(match[4]), rssMb: peakRssMb }
}

async function javaConsumer (brokers: string, topic: string): Promise<ClientResult> {
  const distribution = await ensureKafka()
  const { stdout, peakRssMb } = await run('java', kafkaToolJavaArgs(distribution, 'kafka-consumer-perf-test', [
    '--bootstrap-server', brokers, '--topic', topic, '--messages', String(records), '--group', `bench-java-${Date.now()}`, '--timeout', '60000',
  ]))
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
  const fields = stdout.trim().split('\n').at(-1)?.split(',').map(f => f.trim()) ?? []
  if (fields.length < 6 || !Number.isFinite(Number(fields[5]))) throw new Error(`unexpected kafka-consumer-perf-test output: ${stdout}`)
  return { client: 'java', records, recordsPerSec: Math.round(Number(fields[5])), mbPerSec: Number(fields[3]), p50Ms: null, p99Ms: null, rssMb: peakRssMb }
}

/** The consumer benchmark reads one topic, filled once by Kafka's own producer. */
async function fill (brokers: string, topic: string): Promise<void> {
  const distribution = await ensureKafka()
  await run('java', kafkaToolJavaArgs(distribution, 'kafka-producer-perf-test', [
    '--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'compression.type=none',
  ]))
}

async function nodeClient (client: string, brokers: string, topic: string): Promise<ClientResult> {
  const script = resolve(import.meta.dirname, name as string, `${client}.ts`)
  const { stdout, peakRssMb } = await run(process.execPath, ['--disable-warning=ExperimentalWarning', script, brokers, topic, String(records), String(size)])
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as ClientResult
  return { ...result, rssMb: peakRssMb }
}

let started: LocalCluster | undefined
let brokers = process.env.KAFKA_BROKERS
if (!brokers) {
  started = new LocalCluster({ dir: resolve('.tackle', 'bench-kafka'), ownerPid: process.pid })
  log('starting a local 3-node cluster for the benchmark...')
  brokers = (await started.up({ nodes: 3 })).bootstrap
}
const results: ClientResult[] = []
const began = Date.now()
try {
  const shared = `bench-${name}-${Date.now()}`
  if (name === 'consumer') {
    await ensureTopics({ bootstrapBrokers: brokers.split(','), topics: [{ name: shared, partitions: 6, config: {} }] })
    log(`filling ${shared} with ${records} records of ${size} B...`)
    await fill(brokers, shared)
  }
  for (const [i, client] of clients.entries()) {
    const topic = name === 'consumer' ? shared : `bench-${name}-${client}-${Date.now()}`
    if (name === 'producer') await ensureTopics({ bootstrapBrokers: brokers.split(','), topics: [{ name: topic, partitions: 6, config: {} }] })
    const eta = i === 0 ? '' : `, ETA ${Math.round((Date.now() - began) / i * (clients.length - i) / 1000)}s`
    log(`${name}: ${client} (${i + 1}/${clients.length}), ${records} records of ${size} B${eta}`)
    const java = name === 'producer' ? javaProducer : javaConsumer
    const result = client === 'java' ? await java(brokers, topic) : await nodeClient(client, brokers, topic)
    results.push(result)
    log(`  ${result.recordsPerSec} records/s, ${result.mbPerSec} MB/s, p50 ${result.p50Ms ?? '-'} ms, p99 ${result.p99Ms ?? '-'} ms, peak RSS ${result.rssMb} MiB`)
  }
} finally {
  await started?.down({ purge: true })
}
if (flags.json) process.stdout.write(JSON.stringify(results) + '\n')
else {
  const java = results.find(r => r.client === 'java')
  for (const r of results) process.stdout.write(`${r.client.padEnd(13)} ${String(r.recordsPerSec).padStart(8)} rec/s ${String(r.mbPerSec).padStart(7)} MB/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  rss ${r.rssMb} MiB${java ? `  ${(r.recordsPerSec / java.recordsPerSec).toFixed(2)}x java` : ''}\n`)
}
