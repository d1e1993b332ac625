export interface ItemContext {
  writeKey: string
  /** When the request arrived: every item of it gets this receivedAt. */
  receivedAt: Date
  /** The batch's sentAt, for items that carry none of their own. */
  sentAt: unknown
  /** The caller's address, unless the item names one in context.ip. */
  ip: string | null
  maxEventBytes: number
}
