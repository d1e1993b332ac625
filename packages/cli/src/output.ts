import type { ClusterStatus, NodeStatus } from '@tackle/local-kafka'

/** One JSON line; offsets and other bigints as numbers (as strings past 2^53, where a double would round them). */
export function printJson (value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_key, v: unknown) => typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v)) : v) + '\n')
}

export function formatMiB (bytes: number | null): string {
  return bytes === null ? '-' : `${Math.round(bytes / 1024 / 1024)} MiB`
}

/** Columns padded to their widest cell. */
export function table (rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map(r => (r[i] ?? '').length))) ?? []
  return rows.map(r => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')
}

/** The shape `tackle kafka up/status --json` promises: bootstrap, nodes with id, pid, port and state, and dir. */
export function clusterJson (status: ClusterStatus): Record<string, unknown> {
  return {
    bootstrap: status.bootstrap,
    nodes: status.nodes.map(nodeJson),
    dir: status.dir,
    clusterId: status.clusterId,
    kafkaVersion: status.kafkaVersion,
    secure: status.secure ?? null,
  }
}

export function nodeJson (node: NodeStatus): Record<string, unknown> {
  return {
    id: node.id,
    pid: node.pid,
    port: node.port,
    state: node.state,
    controllerPort: node.controllerPort,
    roles: node.roles,
    rssMb: node.rssBytes === null ? null : Math.round(node.rssBytes / 1024 / 1024),
    logFile: node.logFile,
  }
}

export function clusterText (status: ClusterStatus): string {
  const rows = [['NODE', 'STATE', 'PID', 'PORT', 'CONTROLLER', 'ROLES', 'RSS'], ...status.nodes.map(n => [
    String(n.id), n.state, n.pid === null ? '-' : String(n.pid), String(n.port), String(n.controllerPort), n.roles.join(','), formatMiB(n.rssBytes),
  ])]
  return [
    `Kafka ${status.kafkaVersion} in ${status.dir}`,
    `bootstrap: ${status.bootstrap}`,
    ...(status.secure ? [`SASL_SSL: ${status.secure.bootstrap} (user ${status.secure.username}, CA ${status.secure.caFile}; \`tackle kafka status --json\` has the password)`] : []),
    '',
    table(rows),
  ].join('\n')
}
