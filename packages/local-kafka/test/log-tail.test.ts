import assert from 'node:assert/strict'
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileSize, readFrom, relevantTail } from '../src/log-tail.ts'

test('relevantTail should keep the error lines and their causes when there are any', () => {
  const log = [
    '[t] INFO starting (kafka.server.KafkaRaftServer)',
    '[t] ERROR [KafkaRaftServer nodeId=1] Fatal error during startup (kafka.Kafka)',
    'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:9092: Address already in use.',
    '\tat kafka.network.Acceptor.openServerSocket(SocketServer.scala:700)',
    'Caused by: java.net.BindException: Address already in use',
    '[t] INFO shutting down (kafka.server.KafkaRaftServer)',
  ].join('\n')
  const tail = relevantTail(log)
  assert.match(tail, /Fatal error during startup/)
  assert.match(tail, /Address already in use/)
  assert.match(tail, /Caused by: java.net.BindException/)
  assert.doesNotMatch(tail, /shutting down|starting/)
})

test('relevantTail should fall back to the last lines when nothing looks like an error', () => {
  const log = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')
  assert.deepEqual(relevantTail(log, 3).split('\n'), ['line 47', 'line 48', 'line 49'])
})

test('readFrom should return only what was written after an offset', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'server.log')
  await writeFile(file, 'old start\nKafka Server started\n')
  const offset = await fileSize(file)
  await appendFile(file, 'new start\n')
  assert.equal(await readFrom(file, offset), 'new start\n')
  assert.equal(await readFrom(join(dir, 'missing.log'), 0), '')
})
