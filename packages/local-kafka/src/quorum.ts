// Reads the KRaft quorum through Kafka's own kafka-metadata-quorum tool (DescribeQuorum, KIP-595),
// an outside check that the nodes agree on a leader.
import type { KafkaDistribution } from './distribution.ts'
import { runKafkaTool } from './tools.ts'

export interface QuorumStatus {
  leaderId: number
  leaderEpoch: number
  voters: number[]
  observers: number[]
}

function idsOf (line: string | undefined): number[] {
  if (line === undefined) return []
  return [...line.matchAll(/"id":\s*(\d+)|(?:^|[[,\s])(\d+)(?=[,\]])/g)].map(m => Number(m[1] ?? m[2]))
}

/** Parses the text `kafka-metadata-quorum describe --status` prints, one "Key: value" a line. */
export function parseQuorumStatus (text: string): QuorumStatus | undefined {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(.*)$/.exec(line.trim())
    if (match) fields.set(match[1] as string, match[2] as string)
  }
  const leaderId = Number(fields.get('LeaderId'))
  if (!Number.isInteger(leaderId)) return undefined
  return {
    leaderId,
    leaderEpoch: Number(fields.get('LeaderEpoch') ?? -1),
    voters: idsOf(fields.get('CurrentVoters')),
    observers: idsOf(fields.get('CurrentObservers')),
  }
}

export async function describeQuorum (distribution: KafkaDistribution, bootstrap: string, env: NodeJS.ProcessEnv = process.env): Promise<QuorumStatus | undefined> {
  const result = await runKafkaTool(distribution, 'kafka-metadata-quorum', ['--bootstrap-server', bootstrap, 'describe', '--status'], { env })
  return result.code === 0 ? parseQuorumStatus(result.stdout) : undefined
}
