import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KAFKA_TOOLS, kafkaToolMainClass, needsBootstrapServer, similarToolNames } from '../src/tools.ts'

test('kafkaToolMainClass should accept the name with or without .sh', () => {
  assert.equal(kafkaToolMainClass('kafka-topics'), 'org.apache.kafka.tools.TopicCommand')
  assert.equal(kafkaToolMainClass('kafka-topics.sh'), 'org.apache.kafka.tools.TopicCommand')
})

test('kafkaToolMainClass should name the known tools when given an unknown one', () => {
  assert.throws(() => kafkaToolMainClass('kafka-nope'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_TOOL_UNKNOWN')
    assert.match(error.message, /unknown Kafka tool "kafka-nope"; known: .*kafka-topics/)
    return true
  })
  assert.throws(() => kafkaToolMainClass('toString'), /unknown Kafka tool/)
})

test('kafkaToolMainClass should suggest the tool a typo or a missing kafka- prefix meant', () => {
  assert.throws(() => kafkaToolMainClass('kafka-topic'), /unknown Kafka tool "kafka-topic"; did you mean kafka-topics\?/)
  assert.deepEqual(similarToolNames('consumer-groups'), ['kafka-consumer-groups'])
  assert.deepEqual(similarToolNames('kafka-confgis'), ['kafka-configs'])
  assert.deepEqual(similarToolNames('zookeeper-shell'), [], 'nothing near: no guess')
})

test('KAFKA_TOOLS should cover the tools the operators and benchmarks rely on', () => {
  for (const tool of ['kafka-topics', 'kafka-configs', 'kafka-consumer-groups', 'kafka-metadata-quorum', 'kafka-broker-api-versions',
    'kafka-reassign-partitions', 'kafka-producer-perf-test', 'kafka-consumer-perf-test', 'kafka-verifiable-producer', 'kafka-verifiable-consumer']) {
    assert.ok(Object.hasOwn(KAFKA_TOOLS, tool), tool)
  }
})

test('needsBootstrapServer should add the cluster only where the arguments name none', () => {
  assert.equal(needsBootstrapServer('kafka-topics', ['--list']), true)
  assert.equal(needsBootstrapServer('kafka-topics', ['--bootstrap-server', 'h:1', '--list']), false)
  assert.equal(needsBootstrapServer('kafka-topics', ['--bootstrap-server=h:1', '--list']), false)
  assert.equal(needsBootstrapServer('kafka-metadata-quorum', ['--bootstrap-controller', 'h:1', 'describe']), false)
  assert.equal(needsBootstrapServer('kafka-producer-perf-test', ['--producer-props', 'bootstrap.servers=h:1']), false)
  assert.equal(needsBootstrapServer('kafka-topics', ['--help']), false)
  assert.equal(needsBootstrapServer('kafka-storage', ['random-uuid']), false)
  assert.equal(needsBootstrapServer('kafka-nope', []), false)
})
