import { readFile, rename } from 'node:fs/promises'
import { mkdirPrivate, writeSecretFile } from './secret-file.ts'
import { dirname } from 'node:path'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import type { NodeSpec } from './node-config.ts'
import type { NetworkRecord } from './network-namespaces.ts'
import type { SecureListenerRecord } from './secure-listener.ts'

export const STATE_FORMAT = 1

export interface NodeRecord extends NodeSpec {
  /** Null once the node was stopped on purpose. */
  pid: number | null
  dir: string
}

export interface ClusterRecord {
  format: typeof STATE_FORMAT
  clusterId: string
  kafkaVersion: string
  heapMb: number
  createdAt: string
  ownerPid: number | null
  nodes: NodeRecord[]
  /** Present on clusters created with a SASL_SSL listener. */
  secure?: SecureListenerRecord
  /** Present on clusters whose nodes run in network namespaces. */
  network?: NetworkRecord
}

export async function readClusterRecord (file: string): Promise<ClusterRecord | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (text === undefined) return undefined
  let record: ClusterRecord
  try {
    record = JSON.parse(text) as ClusterRecord
  } catch (cause) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.STATE_CORRUPT, `the local cluster's state file ${file} is not valid JSON: ${(cause as Error).message}`, { cause })
  }
  return record.format === STATE_FORMAT ? record : undefined
}

/** Written to a temporary file and renamed, so a reader never sees half a state file. */
export async function writeClusterRecord (file: string, record: ClusterRecord): Promise<void> {
  await mkdirPrivate(dirname(file))
  const temporary = `${file}.${process.pid}.tmp`
  // It holds the secure listener's password.
  await writeSecretFile(temporary, JSON.stringify(record, null, 2) + '\n')
  await rename(temporary, file)
}

export function bootstrapServers (nodes: readonly NodeSpec[], listener: 'port' | 'securePort' = 'port', host = '127.0.0.1'): string {
  return nodes.filter(n => n.roles.includes('broker')).map(n => `${n.host ?? host}:${n[listener]}`).join(',')
}
