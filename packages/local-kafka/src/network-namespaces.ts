// The opt-in network of a local cluster: each node in a Linux network namespace of its own, with
// its own address on a bridge the harness creates, in a /24 the harness owns (10.231.N.0, N from
// the cluster's directory, so two clusters do not share one). The host side of the bridge is .254,
// so clients in the root namespace reach every node. Network faults are iptables rules inside the
// namespaces, dropping traffic between nodes. Everything is named from one prefix, so a crashed
// run's leftovers are found and removed by the next start.
import { createHash } from 'node:crypto'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { runCommand } from './run-command.ts'

export interface NetworkRecord {
  /** The first three octets of the /24, e.g. "10.231.17". */
  subnet: string
  bridge: string
  /** Namespaces are this prefix and the node id; host-side veths are the bridge's name, "v" and the id. */
  prefix: string
}

export function networkFor (clusterDir: string): NetworkRecord {
  const n = createHash('sha256').update(clusterDir).digest().readUInt16BE(0) % 250 + 1
  return { subnet: `10.231.${n}`, bridge: `tkbr${n}`, prefix: `tackle${n}-n` }
}

export function nodeAddress (network: NetworkRecord, id: number): string {
  return `${network.subnet}.${id}`
}

export function namespaceOf (network: NetworkRecord, id: number): string {
  return `${network.prefix}${id}`
}

/** The command prefix that runs a program inside a node's namespace. */
export function inNamespace (network: NetworkRecord, id: number): string[] {
  return ['ip', 'netns', 'exec', namespaceOf(network, id)]
}

async function ip (args: readonly string[], what: string): Promise<string> {
  const result = await runCommand('ip', args)
  if (result.code !== 0) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.NETNS_UNAVAILABLE, `${what} failed: ip ${args.join(' ')}: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`)
  }
  return result.stdout
}

async function exists (kind: 'link' | 'netns', name: string): Promise<boolean> {
  const result = kind === 'netns' ? await runCommand('ip', ['netns', 'list']) : await runCommand('ip', ['link', 'show', name])
  return kind === 'netns' ? result.stdout.split('\n').some(line => line.split(' ')[0] === name) : result.code === 0
}

/** Says clearly why namespaces cannot be made here, or nothing when they can. */
export async function netnsUnavailableReason (): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces exist on Linux only'
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root'
  if ((await runCommand('ip', ['-V'])).code === 127) return 'iproute2\'s ip is not installed'
  if ((await runCommand('iptables', ['-V'])).code === 127) return 'iptables is not installed (Debian\'s iptables package)'
  return undefined
}

async function requireNetns (): Promise<void> {
  const reason = await netnsUnavailableReason()
  if (reason) throw new LocalKafkaError(LocalKafkaErrorCodes.NETNS_UNAVAILABLE, `cannot run nodes in network namespaces: ${reason}`)
}

/** The bridge, then one namespace per node wired to it; what exists already is kept. */
export async function createNetwork (network: NetworkRecord, ids: readonly number[]): Promise<void> {
  await requireNetns()
  if (!await exists('link', network.bridge)) {
    await ip(['link', 'add', 'name', network.bridge, 'type', 'bridge'], 'creating the bridge')
    await ip(['addr', 'add', `${network.subnet}.254/24`, 'dev', network.bridge], 'addressing the bridge')
    await ip(['link', 'set', network.bridge, 'up'], 'starting the bridge')
  }
  for (const id of ids) {
    const ns = namespaceOf(network, id)
    if (await exists('netns', ns)) continue
    const veth = `${network.bridge}v${id}`
    await ip(['netns', 'add', ns], `creating namespace ${ns}`)
    await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns], `wiring namespace ${ns}`)
    await ip(['link', 'set', veth, 'master', network.bridge, 'up'], `attaching ${veth}`)
    await ip(['-n', ns, 'addr', 'add', `${nodeAddress(network, id)}/24`, 'dev', 'eth0'], `addressing node ${id}`)
    await ip(['-n', ns, 'link', 'set', 'eth0', 'up'], `starting node ${id}'s link`)
    await ip(['-n', ns, 'link', 'set', 'lo', 'up'], `starting node ${id}'s loopback`)
  }
}

/**
 * Every namespace of this prefix, its veths and the bridge. The veths are deleted first and by
 * name: the kernel tears a deleted namespace down lazily, and its veth could still hold the name
 * when the next start makes it again.
 */
export async function removeNetwork (network: NetworkRecord): Promise<void> {
  const links = await runCommand('ip', ['-o', 'link', 'show'])
  for (const name of links.stdout.split('\n').map(line => line.split(': ')[1]?.split('@')[0] ?? '').filter(name => name.startsWith(`${network.bridge}v`))) {
    await runCommand('ip', ['link', 'del', name])
  }
  const listed = await runCommand('ip', ['netns', 'list'])
  for (const ns of listed.stdout.split('\n').map(line => line.split(' ')[0] ?? '').filter(name => name.startsWith(network.prefix))) {
    await runCommand('ip', ['netns', 'del', ns])
  }
  if (await exists('link', network.bridge)) await runCommand('ip', ['link', 'del', network.bridge])
}

/**
 * Removes the networks of clusters that are wholly gone: every namespace of a prefix empty of
 * processes, as a test run killed before its `down` leaves them (its directory, and so its subnet,
 * may never be used again). A cluster with any node running keeps its network.
 */
export async function removeAbandonedNetworks (): Promise<string[]> {
  const listed = await runCommand('ip', ['netns', 'list'])
  const groups = new Map<string, string[]>()
  for (const ns of listed.stdout.split('\n').map(line => line.split(' ')[0] ?? '')) {
    const match = /^tackle(\d+)-n\d+$/.exec(ns)
    if (match) groups.set(match[1] as string, [...(groups.get(match[1] as string) ?? []), ns])
  }
  const removed: string[] = []
  for (const [n, namespaces] of groups) {
    let occupied = false
    for (const ns of namespaces) if ((await runCommand('ip', ['netns', 'pids', ns])).stdout.trim() !== '') occupied = true
    if (occupied) continue
    await removeNetwork({ subnet: `10.231.${n}`, bridge: `tkbr${n}`, prefix: `tackle${n}-n` })
    removed.push(`10.231.${n}.0/24`)
  }
  return removed
}

async function iptables (network: NetworkRecord, id: number, args: readonly string[]): Promise<void> {
  const result = await runCommand('ip', ['netns', 'exec', namespaceOf(network, id), 'iptables', '-w', ...args])
  if (result.code !== 0) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.NETNS_UNAVAILABLE, `iptables in node ${id}'s namespace failed: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`} (install Debian's iptables)`, { nodeId: id })
  }
}

/** Cuts node `id` off from `others`, both ways, with rules on both sides. */
export async function isolate (network: NetworkRecord, id: number, others: readonly number[]): Promise<void> {
  for (const other of others) {
    for (const [here, there] of [[id, other], [other, id]] as const) {
      await iptables(network, here, ['-A', 'INPUT', '-s', nodeAddress(network, there), '-j', 'DROP'])
      await iptables(network, here, ['-A', 'OUTPUT', '-d', nodeAddress(network, there), '-j', 'DROP'])
    }
  }
}

export interface Degradation {
  delayMs: number
  jitterMs: number
  lossPercent: number
}

/** Delays and drops what node `id` sends, with tc's netem. */
export async function degrade (network: NetworkRecord, id: number, how: Degradation): Promise<void> {
  const result = await runCommand('ip', ['netns', 'exec', namespaceOf(network, id), 'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', `${how.delayMs}ms`, `${how.jitterMs}ms`, 'loss', `${how.lossPercent}%`])
  if (result.code !== 0) {
    const output = (result.stderr || result.stdout).trim()
    const why = /unknown/i.test(output) ? 'this kernel has no netem queueing discipline (sch_netem)' : output || `exit ${result.code}`
    throw new LocalKafkaError(LocalKafkaErrorCodes.NETNS_UNAVAILABLE, `cannot add latency to node ${id}: ${why}`, { nodeId: id })
  }
}

/** Removes every rule and delay a fault added, in every node's namespace. */
export async function healNetwork (network: NetworkRecord, ids: readonly number[]): Promise<void> {
  for (const id of ids) {
    await iptables(network, id, ['-F'])
    // Nothing to delete is fine: most faults add no delay.
    await runCommand('ip', ['netns', 'exec', namespaceOf(network, id), 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root'])
  }
}
