// Checks what producers were told was written against what a full read found, with the anomaly
// kinds of Jepsen's Kafka analysis and Kafka's own system tests (ProduceConsumeValidateTest):
// lost acknowledged records, duplicates, reordering within a partition and inconsistent offsets.

export interface AckedRecord {
  value: string
  partition: number
  offset: bigint
}

export interface ReadRecord {
  value: string
  partition: number
  offset: bigint
}

/** Who wrote a value and in which order; by default values are "producer:sequence". */
export type ValueOrigin = (value: string) => { producer: string, sequence: number } | undefined

export const producerSequenceOrigin: ValueOrigin = (value) => {
  const at = value.lastIndexOf(':')
  const sequence = Number(value.slice(at + 1))
  return at > 0 && Number.isInteger(sequence) ? { producer: value.slice(0, at), sequence } : undefined
}

export interface Position {
  partition: number
  offset: bigint
}

export interface SequenceReport {
  acked: number
  read: number
  /** Acknowledged, never read. */
  lost: AckedRecord[]
  /** One value at two or more positions. */
  duplicated: Array<{ value: string, positions: Position[] }>
  /** A later send of one producer at a lower offset than an earlier one, in one partition. */
  reordered: Array<{ producer: string, partition: number, offset: bigint, sequence: number, after: number }>
  /** One position read with two values, or a value read elsewhere than where it was acknowledged. */
  inconsistent: Array<{ partition: number, offset: bigint, values: string[] }>
  valid: boolean
}

const key = (p: Position) => `${p.partition}@${p.offset}`

export function checkSequences (acked: readonly AckedRecord[], read: readonly ReadRecord[], origin: ValueOrigin = producerSequenceOrigin): SequenceReport {
  const positionsByValue = new Map<string, Position[]>()
  const valuesByPosition = new Map<string, { position: Position, values: Set<string> }>()
  for (const record of read) {
    const positions = positionsByValue.get(record.value) ?? []
    if (!positions.some(p => p.partition === record.partition && p.offset === record.offset)) positions.push({ partition: record.partition, offset: record.offset })
    positionsByValue.set(record.value, positions)
    const at = valuesByPosition.get(key(record)) ?? { position: { partition: record.partition, offset: record.offset }, values: new Set<string>() }
    at.values.add(record.value)
    valuesByPosition.set(key(record), at)
  }

  const lost = acked.filter(a => !positionsByValue.has(a.value))
  const duplicated = [...positionsByValue].filter(([, positions]) => positions.length > 1).map(([value, positions]) => ({ value, positions }))
  const inconsistent = [...valuesByPosition.values()].filter(v => v.values.size > 1).map(v => ({ ...v.position, values: [...v.values] }))
  for (const a of acked) {
    const positions = positionsByValue.get(a.value)
    if (positions && !positions.some(p => p.partition === a.partition && p.offset === a.offset)) {
      inconsistent.push({ partition: a.partition, offset: a.offset, values: [a.value] })
    }
  }

  const reordered: SequenceReport['reordered'] = []
  const lastSequence = new Map<string, number>()
  const inOffsetOrder = [...valuesByPosition.values()].filter(v => v.values.size === 1)
    .sort((x, y) => x.position.partition - y.position.partition || (x.position.offset < y.position.offset ? -1 : x.position.offset > y.position.offset ? 1 : 0))
  for (const { position, values } of inOffsetOrder) {
    const from = origin([...values][0] as string)
    if (!from) continue
    const stream = `${from.producer}\0${position.partition}`
    const previous = lastSequence.get(stream)
    if (previous !== undefined && from.sequence < previous) {
      reordered.push({ producer: from.producer, partition: position.partition, offset: position.offset, sequence: from.sequence, after: previous })
    }
    lastSequence.set(stream, Math.max(previous ?? -Infinity, from.sequence))
  }

  return {
    acked: acked.length,
    read: read.length,
    lost,
    duplicated,
    reordered,
    inconsistent,
    valid: lost.length === 0 && duplicated.length === 0 && reordered.length === 0 && inconsistent.length === 0,
  }
}
