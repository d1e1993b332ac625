// Factories for app teams' tests against a real cluster: each registers its own clean-up with
// the test (node:test's t.after, or anything with an after()), and topics get unique names so one
// cluster serves every test.
import type { TSchema } from 'typebox'
import { Registry } from 'prom-client'
import { TackleConsumer } from '../consumer/consumer.ts'
import { ClientError, ClientErrorCodes } from '../errors.ts'
import type { ConsumerHandlers, ConsumerOptions } from '../consumer/options.ts'
import type { ProducerOptions } from '../producer/options.ts'
import { TackleProducer } from '../producer/producer.ts'
import { defineTopic, type TopicDefinition, type TopicOptions } from '../topics/define-topic.ts'
import { ensureTopics } from '../topics/ensure-topics.ts'
import { testTopicName } from './topics.ts'

export interface CleanupContext {
  after (fn: () => unknown): void
}

/** KAFKA_BROKERS when set (a real cluster), else the shared local test cluster, started on first use. */
export async function testBrokers (): Promise<string[]> {
  const named = process.env.KAFKA_BROKERS
  return named ? named.split(',') : (await localTesting()).sharedTestCluster().then(c => c.brokers)
}

// An optional peer: an app that tests against its own cluster (KAFKA_BROKERS) need not install it.
async function localTesting (): Promise<typeof import('@tackle/local-kafka/testing')> {
  try {
    return await import('@tackle/local-kafka/testing')
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !(cause as Error).message.includes('@tackle/local-kafka')) throw cause
    throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, 'no Kafka cluster for tests: set KAFKA_BROKERS (host:port,...) to one, or install @tackle/local-kafka to start a local one', { cause })
  }
}

/**
 * A topic with a unique name and its retry and dead-letter topics, created with safe settings.
 * They are left in place: unique names keep tests apart, and deleting a topic under a consumer
 * still closing would fail that consumer.
 */
export async function createTestTopic<T> (options: Omit<TopicOptions<T>, 'name'> & { prefix?: string, schema: TSchema }): Promise<TopicDefinition<T>> {
  const brokers = await testBrokers()
  const topic = defineTopic<T>({ ...options, name: testTopicName(options.prefix ?? 'test') })
  await ensureTopics({ bootstrapBrokers: brokers, topics: [topic] })
  return topic
}

export async function createProducer (t: CleanupContext, overrides: Partial<ProducerOptions> = {}): Promise<TackleProducer> {
  const producer = new TackleProducer({ bootstrapBrokers: await testBrokers(), registry: new Registry(), ...overrides })
  t.after(() => producer.close({ timeoutMs: 10_000 }))
  return producer
}

export async function createConsumer<T> (t: CleanupContext, options: Partial<Omit<ConsumerOptions<T>, 'bootstrapBrokers' | 'groupId' | 'handler' | 'batchHandler'>> & Pick<ConsumerOptions<T>, 'topic'> & ConsumerHandlers<T> & { groupId?: string }): Promise<TackleConsumer<T>> {
  const consumer = new TackleConsumer<T>({ bootstrapBrokers: await testBrokers(), groupId: options.groupId ?? testTopicName('group'), registry: new Registry(), ...options })
  t.after(() => consumer.close())
  return consumer
}
