// How full each broker's log directories are, from DescribeLogDirs v4's total and usable bytes
// (KIP-827): a broker whose disk fills stops taking writes for every partition on it.
import type { BrokerInfo, ClusterAdmin, LogDirUsage } from '@tackle/client'

export interface LogDirReport extends LogDirUsage {
  /** Used share of the disk, 0..1; null when the broker does not report sizes (before Kafka 3.3). */
  usedRatio: number | null
}

export function usedRatio (dir: Pick<LogDirUsage, 'totalBytes' | 'usableBytes'>): number | null {
  return dir.totalBytes > 0 && dir.usableBytes >= 0 ? (dir.totalBytes - dir.usableBytes) / dir.totalBytes : null
}

export async function logDirUsage (admin: ClusterAdmin, brokers: readonly BrokerInfo[]): Promise<LogDirReport[]> {
  const found = await Promise.all(brokers.map(b => admin.logDirUsage(b).catch((error: Error) => [{ broker: b.id, dir: '?', totalBytes: -1, usableBytes: -1, error: error.message }])))
  return found.flat().map(d => ({ ...d, usedRatio: usedRatio(d) }))
}
