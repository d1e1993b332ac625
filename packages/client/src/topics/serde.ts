/** How a topic's values become bytes and back; JSON unless a topic names another. */
export interface Serde<T> {
  readonly contentType: string
  serialize (value: T): Buffer
  deserialize (bytes: Buffer): T
}

export const jsonSerde: Serde<unknown> = Object.freeze({
  contentType: 'application/json',
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown,
})
