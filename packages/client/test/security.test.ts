import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { inspect } from 'node:util'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import pino from 'pino'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { ClientErrorCodes } from '../src/errors.ts'
import { TackleConsumer } from '../src/consumer/consumer.ts'
import { TackleProducer } from '../src/producer/producer.ts'
import { resolveSecurity, securityFromEnv, wireSecurity, type SaslMechanism, type SecurityOptions } from '../src/security.ts'
import { defineTopic } from '../src/topics/define-topic.ts'
import { ensureTopics } from '../src/topics/ensure-topics.ts'
import { readAll } from '../src/testkit/read-all.ts'
import { testTopicName } from '../src/testkit/topics.ts'

test('securityFromEnv should read Kafka\'s names and default a bare username to SASL_SSL', () => {
  assert.equal(securityFromEnv({}), undefined)
  assert.deepEqual(securityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), { tls: true, sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } })
  assert.deepEqual(securityFromEnv({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CA_FILE: '/ca.pem' }), { tls: { caFile: '/ca.pem' } })
  assert.deepEqual(securityFromEnv({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), { sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } })
})

test('securityFromEnv should name the variable that is wrong or missing', () => {
  assert.throws(() => securityFromEnv({ KAFKA_SECURITY_PROTOCOL: 'TLS' }), { code: ClientErrorCodes.INVALID_OPTIONS, message: /KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "TLS"/ })
  assert.throws(() => securityFromEnv({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'u' }), { message: /needs KAFKA_SASL_PASSWORD/ })
  assert.throws(() => securityFromEnv({ KAFKA_SSL_CA_FILE: '/ca.pem' }), { message: /KAFKA_SSL_CA_FILE is set but the connection is PLAINTEXT \(no TLS\): set KAFKA_SECURITY_PROTOCOL=SSL/ })
  assert.throws(() => securityFromEnv({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL_CA_FILE: '/ca.pem' }), { message: /connection is SASL_PLAINTEXT/ })
  assert.throws(() => wireSecurity({ sasl: { mechanism: 'GSSAPI' as SaslMechanism, username: 'u', password: 'p' } }), { message: /mechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"/ })
  assert.throws(() => wireSecurity({ tls: { caFile: '/nonexistent/ca.pem' } }), { message: /caFile "\/nonexistent\/ca.pem" cannot be read: ENOENT/ })
})

test('resolveSecurity should keep the password usable but out of anything serialised', () => {
  const resolved = resolveSecurity({ sasl: { mechanism: 'PLAIN', username: 'u', password: 'hunter2' } })
  assert.equal(resolved?.sasl?.password, 'hunter2')
  assert.doesNotMatch(JSON.stringify(resolved), /hunter2/)
  assert.deepEqual(Object.keys(resolved?.sasl ?? {}), ['mechanism', 'username'])
})

const { status } = await sharedTestCluster()
const secure = status.secure
const skip = secure ? false : 'the cluster has no SASL_SSL listener (KAFKA_BROKERS names an outside cluster)'
const secureBrokers = secure?.bootstrap.split(',') ?? []
const Value = Type.Object({ n: Type.Integer() })

function credentials (mechanism: SaslMechanism, password = secure?.password ?? ''): SecurityOptions {
  return { tls: { caFile: secure?.caFile }, sasl: { mechanism, username: secure?.username ?? '', password } }
}

/** A pino logger writing into a string, to look for secrets in what was logged. */
function capturedLogger () {
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } })
  return { logger: pino({ level: 'trace' }, stream), text: () => lines.join('') }
}

async function secureTopic () {
  const topic = defineTopic<Type.Static<typeof Value>>({ name: testTopicName('secure'), schema: Value, partitions: 3 })
  await ensureTopics({ bootstrapBrokers: secureBrokers, topics: [topic], security: credentials('SCRAM-SHA-512') })
  return topic
}

for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
  test(`the producer should deliver over SASL_SSL with ${mechanism} and never log the password`, { skip }, async (t) => {
    const topic = await secureTopic()
    const { logger, text } = capturedLogger()
    const producer = new TackleProducer({ bootstrapBrokers: secureBrokers, security: credentials(mechanism), registry: new Registry(), logger })
    t.after(() => producer.close({ timeoutMs: 5000 }))
    const acked = await Promise.all(Array.from({ length: 20 }, (_, n) => producer.send(topic, { n })))
    assert.equal(acked.length, 20)
    const read = await readAll(secureBrokers, topic.name, { expected: 20, idleMs: 1000, security: credentials(mechanism) })
    assert.deepEqual(read.map(r => JSON.parse(r.value).n).sort((a, b) => a - b), Array.from({ length: 20 }, (_, n) => n))
    assert.doesNotMatch(text() + inspect(producer.options, { depth: 5 }) + await producer.options.registry?.metrics(), new RegExp(secure?.password ?? 'x'))
  })
}

test('the producer should reject a send with AUTHENTICATION_FAILED when the password is wrong', { skip }, async (t) => {
  const topic = await secureTopic()
  const { logger, text } = capturedLogger()
  const producer = new TackleProducer({ bootstrapBrokers: secureBrokers, security: credentials('SCRAM-SHA-256', 'wrong-password-123'), registry: new Registry(), logger })
  t.after(() => producer.close({ timeoutMs: 1000 }))
  await assert.rejects(producer.send(topic, { n: 1 }), (error: { code: string, message: string, fix: string }) => {
    assert.equal(error.code, ClientErrorCodes.AUTHENTICATION_FAILED)
    assert.match(error.message, /refused the SASL credentials/)
    assert.match(error.fix, /KAFKA_SASL_PASSWORD/)
    return true
  })
  assert.doesNotMatch(text(), /wrong-password-123/)
})

test('the producer should reject a send with TLS_FAILED when it does not trust the brokers\' CA', { skip }, async (t) => {
  const topic = await secureTopic()
  const producer = new TackleProducer({ bootstrapBrokers: secureBrokers, security: { tls: true, sasl: credentials('PLAIN').sasl }, registry: new Registry(), logger: capturedLogger().logger })
  t.after(() => producer.close({ timeoutMs: 1000 }))
  await assert.rejects(producer.send(topic, { n: 1 }), { code: ClientErrorCodes.TLS_FAILED, message: /TLS handshake failed: \S*(CERT|SELF_SIGNED|UNABLE_TO_VERIFY)/ })
})

test('the consumer should start over SASL_SSL with the right credentials and fail clearly with wrong ones', { skip }, async (t) => {
  const topic = await secureTopic()
  const producer = new TackleProducer({ bootstrapBrokers: secureBrokers, security: credentials('SCRAM-SHA-512'), registry: new Registry(), logger: capturedLogger().logger })
  t.after(() => producer.close({ timeoutMs: 5000 }))
  await producer.send(topic, { n: 7 })

  const handled: number[] = []
  let done: () => void = () => undefined
  const got = new Promise<void>(resolve => { done = resolve })
  const consumer = new TackleConsumer({
    bootstrapBrokers: secureBrokers, groupId: testTopicName('secure-group'), topic, retryTopic: undefined, security: credentials('SCRAM-SHA-512'),
    registry: new Registry(), logger: capturedLogger().logger, handler: async v => { handled.push(v.n); done() },
  })
  t.after(() => consumer.close())
  await consumer.start()
  await got
  assert.deepEqual(handled, [7])

  const refused = new TackleConsumer({
    bootstrapBrokers: secureBrokers, groupId: testTopicName('secure-group'), topic, security: credentials('PLAIN', 'nope-nope'),
    registry: new Registry(), logger: capturedLogger().logger, handler: async () => undefined,
  })
  t.after(() => refused.close())
  await assert.rejects(refused.start(), { code: ClientErrorCodes.AUTHENTICATION_FAILED })
})
