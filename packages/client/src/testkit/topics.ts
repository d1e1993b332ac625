import { randomUUID } from 'node:crypto'

/** A topic name no other test uses, so one shared cluster serves every test. */
export function testTopicName (prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`
}
