// npm run bench -- roll [--json]: the wall time of `tackle roll` over a 3-node cluster, against its
// peer in the same run: bare restarts of each broker one after another, each waiting only until
// the broker's replicas are back in sync (no gate, no leader election, no health check). The
// difference is what the safety costs.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClusterAdmin, ensureTopics } from '@tackle/client'
import { LocalCluster } from '@tackle/local-kafka'
import { localDriver, rollingRestart } from '@tackle/ops'

const { values: flags } = parseArgs({ args: process.argv.slice(3), options: { json: { type: 'boolean', default: false }, topics: { type: 'string', default: '20' } } })
const log = (line: string) => process.stderr.write(`${line}\n`)

const cluster = new LocalCluster({ dir: resolve('.tackle', 'bench-kafka'), ownerPid: process.pid })
log('starting a local 3-node cluster for the benchmark...')
const brokers = (await cluster.up({ nodes: 3 })).bootstrap.split(',')
const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
try {
  const topics = Array.from({ length: Number(flags.topics) }, (_, i) => ({ name: `bench-roll-${i}`, partitions: 6, config: {} }))
  await ensureTopics({ bootstrapBrokers: brokers, topics })
  log(`${topics.length} topics of 6 partitions, RF 3, min.insync.replicas 2`)

  const bare: Array<{ brokerId: number, ms: number }> = []
  for (const id of [1, 2, 3]) {
    const began = Date.now()
    await cluster.node(id, 'stop')
    await cluster.node(id, 'start')
    while ((await admin.partitions()).some(p => p.replicas.includes(id) && !p.isr.includes(id))) await sleep(200)
    bare.push({ brokerId: id, ms: Date.now() - began })
    log(`bare restart of broker ${id}: ${bare.at(-1)?.ms} ms`)
  }
  // The peer leaves leadership skewed; put it back so the roll starts from a healthy cluster.
  await admin.electPreferredLeaders()

  const rolled = await rollingRestart({ admin, driver: localDriver(cluster), stateFile: resolve('.tackle', 'bench-kafka', 'roll.json'), expectedBrokers: [1, 2, 3] })
  log(`tackle roll: ${rolled.durationMs} ms`)
  const bareMs = bare.reduce((sum, b) => sum + b.ms, 0)
  const results = [
    { mode: 'bare-restarts', totalMs: bareMs, perBroker: bare },
    { mode: 'tackle-roll', totalMs: rolled.durationMs, perBroker: rolled.restarted.map(r => ({ brokerId: r.brokerId, ms: r.restartMs + r.catchUpMs })), overhead: Number((rolled.durationMs / bareMs).toFixed(2)) },
  ]
  if (flags.json) process.stdout.write(JSON.stringify(results) + '\n')
  else for (const r of results) process.stdout.write(`${r.mode.padEnd(14)} ${String(r.totalMs).padStart(7)} ms  ${r.perBroker.map(b => `${b.brokerId}: ${b.ms} ms`).join(', ')}\n`)
} finally {
  await admin.close()
  await cluster.down({ purge: true })
}
