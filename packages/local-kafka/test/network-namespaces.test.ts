import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { LocalCluster } from '../src/cluster.ts'
import { createNetwork, namespaceOf, netnsUnavailableReason, networkFor, removeAbandonedNetworks, removeNetwork } from '../src/network-namespaces.ts'
import { runCommand } from '../src/run-command.ts'
import { sharedTestCluster } from '../src/testing.ts'
import { waitUntil } from '../src/wait-until.ts'

const unavailable = await netnsUnavailableReason()
const skip = unavailable ? `network namespaces are unavailable here: ${unavailable}` : false

function reachableFromHost (host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect(port, host)
    const done = (ok: boolean) => { socket.destroy(); resolve(ok) }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.setTimeout(3000, () => done(false))
  })
}

async function reachableFromNamespace (ns: string, host: string, port: number): Promise<boolean> {
  const result = await runCommand('ip', ['netns', 'exec', ns, 'timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`])
  return result.code === 0
}

test('a cluster in network namespaces should give each node its own address, cut nodes apart and heal, and remove it all on down', { skip, timeout: 240_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-netns-'))
  const cluster = new LocalCluster({ dir, network: 'netns', ownerPid: process.pid, heapMb: 384 })
  t.after(async () => {
    await cluster.down({ purge: true })
    await rm(dir, { recursive: true, force: true })
  })
  const status = await cluster.up({ nodes: 3 })
  const network = status.network
  assert.ok(network)
  assert.deepEqual(status.nodes.map(n => n.host), [1, 2, 3].map(id => `${network.subnet}.${id}`))
  assert.equal(status.bootstrap, status.nodes.map(n => `${n.host}:${n.port}`).join(','))
  const [n1, n2] = status.nodes as [typeof status.nodes[0], typeof status.nodes[0]]
  assert.equal(await reachableFromNamespace(namespaceOf(network, 1), n2.host, n2.port), true, 'node 1 reaches node 2')

  await cluster.isolate(2)
  assert.equal(await reachableFromNamespace(namespaceOf(network, 1), n2.host, n2.port), false, 'node 1 no longer reaches node 2')
  assert.equal(await reachableFromNamespace(namespaceOf(network, 2), n1.host, n1.port), false, 'nor node 2 node 1')
  assert.equal(await reachableFromHost(n2.host, n2.port), true, 'clients on the host still reach node 2')
  await cluster.healNetwork()
  assert.equal(await reachableFromNamespace(namespaceOf(network, 1), n2.host, n2.port), true, 'healed')

  // Latency needs the kernel's netem: added and healed where it exists, refused saying so where not.
  const degraded = await cluster.degrade(1, { delayMs: 50, jitterMs: 0, lossPercent: 0 }).then(() => true, (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_NETNS_UNAVAILABLE')
    assert.match(error.message, /cannot add latency to node 1: this kernel has no netem/)
    return false
  })
  if (degraded) {
    const qdisc = await runCommand('ip', ['netns', 'exec', namespaceOf(network, 1), 'tc', 'qdisc', 'show', 'dev', 'eth0'])
    assert.match(qdisc.stdout, /netem .*delay 50ms/)
    await cluster.healNetwork()
    assert.doesNotMatch((await runCommand('ip', ['netns', 'exec', namespaceOf(network, 1), 'tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout, /netem/)
  }
  t.diagnostic(degraded ? 'latency: added and removed with netem' : 'latency: this kernel has no netem, and degrade said so')

  await cluster.down()
  const namespaces = (await runCommand('ip', ['netns', 'list'])).stdout
  assert.doesNotMatch(namespaces, new RegExp(network.prefix), 'no namespace is left')
  assert.notEqual((await runCommand('ip', ['link', 'show', network.bridge])).code, 0, 'the bridge is gone')
})

test('isolate should say a loopback cluster has no network namespaces, and how to get them', async () => {
  const { cluster } = await sharedTestCluster()
  await assert.rejects(cluster.isolate(1), { code: 'TACKLE_LOCAL_KAFKA_NETNS_REQUIRED', message: /runs on loopback/ })
})

test('removeAbandonedNetworks should remove the namespaces of a cluster wholly gone, and keep those with a process in them', { skip }, async (t) => {
  const gone = networkFor(`/tmp/tackle-abandoned-${process.pid}`)
  const alive = networkFor(`/tmp/tackle-alive-${process.pid}`)
  await createNetwork(gone, [1, 2])
  await createNetwork(alive, [1])
  const sleeper = spawn('ip', ['netns', 'exec', namespaceOf(alive, 1), 'sleep', '60'], { stdio: 'ignore' })
  t.after(async () => {
    sleeper.kill()
    await removeNetwork(alive)
    await removeNetwork(gone)
  })
  await waitUntil(async () => (await runCommand('ip', ['netns', 'pids', namespaceOf(alive, 1)])).stdout.trim() !== '' || undefined, { timeoutMs: 5000 })
  const removed = await removeAbandonedNetworks()
  assert.ok(removed.includes(`${gone.subnet}.0/24`), `removed ${removed.join(', ')}`)
  assert.ok(!removed.includes(`${alive.subnet}.0/24`))
  const namespaces = (await runCommand('ip', ['netns', 'list'])).stdout
  assert.doesNotMatch(namespaces, new RegExp(`${gone.prefix}\\d`))
  assert.match(namespaces, new RegExp(`${alive.prefix}1`))
  assert.notEqual((await runCommand('ip', ['link', 'show', gone.bridge])).code, 0)
})
