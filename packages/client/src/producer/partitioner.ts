// Java's default partitioner for keyed records: murmur2 of the key bytes, masked positive, modulo
// the partition count (KafkaProducer's BuiltInPartitioner.partitionForKey). Matching it lets
// Java and Tackle producers put one key on the same partition.
import { murmur2 } from '@platformatic/kafka'

export function partitionForKey (key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions
}
