// Kafka's Uuid (org.apache.kafka.common.Uuid): 16 bytes, printed as URL-safe base64 without
// padding. Like Uuid.randomUuid(), skip the reserved all-zero and metadata-topic ids and any id
// whose text starts with "-", which command-line parsers (kafka-storage's --cluster-id) take for a flag.
import { randomBytes } from 'node:crypto'

const RESERVED = new Set(['AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAQ'])

export function randomKafkaUuid (random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url')
    if (!id.startsWith('-') && !RESERVED.has(id)) return id
  }
}
