import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { waitUntil } from '@tackle/local-kafka'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleConsumer } from '../src/consumer/consumer.ts'
import { TackleProducer } from '../src/producer/producer.ts'
import { defineTopic } from '../src/topics/define-topic.ts'
import { ensureTopics } from '../src/topics/ensure-topics.ts'

test('a record should carry its trace from the producer\'s span to the consumer\'s, through Kafka headers', async (t) => {
  // A real OpenTelemetry SDK, recording in memory.
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  t.after(() => { trace.disable(); propagation.disable(); context.disable() })

  const { brokers } = await sharedTestCluster()
  const topic = defineTopic({ name: `traced-${randomUUID()}`, schema: Type.Object({ n: Type.Integer() }), partitions: 1 })
  await ensureTopics({ bootstrapBrokers: brokers, topics: [topic, { name: `${topic.name}.retry`, partitions: 1, config: {} }] })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  t.after(() => producer.close())

  const parent = trace.getTracer('test').startSpan('http POST /v1/track')
  await context.with(trace.setSpan(context.active(), parent), () => producer.send(topic, { n: 1 }))
  parent.end()

  let handlerTraceId: string | undefined
  const consumer = new TackleConsumer({
    bootstrapBrokers: brokers, groupId: `g-${randomUUID()}`, topic, registry: new Registry(),
    handler: async () => { handlerTraceId = trace.getActiveSpan()?.spanContext().traceId },
  })
  t.after(() => consumer.close())
  await consumer.start()
  assert.ok(await waitUntil(() => handlerTraceId, { timeoutMs: 30_000 }))

  const spans = exporter.getFinishedSpans()
  const send = spans.find(s => s.name === `send ${topic.name}`)
  const processed = spans.find(s => s.name === `process ${topic.name}`)
  assert.ok(send && processed, spans.map(s => s.name).join(', '))
  const traceId = parent.spanContext().traceId
  assert.equal(send.spanContext().traceId, traceId, 'the send joined the caller\'s trace')
  assert.equal(processed.spanContext().traceId, traceId, 'the consumer continued it')
  assert.equal(processed.parentSpanContext?.spanId, send.spanContext().spanId, 'process is a child of send')
  assert.equal(handlerTraceId, traceId, 'the handler runs inside the process span')
  assert.equal(send.attributes['messaging.destination.name'], topic.name)
  assert.equal(send.attributes['messaging.kafka.offset'], 0)
})
