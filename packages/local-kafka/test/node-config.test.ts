import assert from 'node:assert/strict'
import { test } from 'node:test'
import { initialControllers, renderServerProperties, safeClusterDefaults, type NodeSpec } from '../src/node-config.ts'

function properties (text: string): Map<string, string> {
  return new Map(text.split('\n').filter(l => l && !l.startsWith('#')).map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}

const nodes: NodeSpec[] = [1, 2, 3].map(id => ({ id, roles: ['broker', 'controller'], port: 9000 + id, controllerPort: 9100 + id }))

test('safeClusterDefaults should give RF min(3, N) and min.insync.replicas min(2, N)', () => {
  for (const [n, rf, isr] of [[1, '1', '1'], [2, '2', '2'], [3, '3', '2'], [5, '3', '2']] as const) {
    const d = safeClusterDefaults(n)
    assert.equal(d['default.replication.factor'], rf, `RF for ${n} nodes`)
    assert.equal(d['offsets.topic.replication.factor'], rf)
    assert.equal(d['min.insync.replicas'], isr, `min ISR for ${n} nodes`)
    assert.equal(d['transaction.state.log.min.isr'], isr)
  }
  assert.equal(safeClusterDefaults(3)['unclean.leader.election.enable'], 'false')
  assert.equal(safeClusterDefaults(3)['auto.create.topics.enable'], 'false')
})

test('renderServerProperties should make a combined KRaft node on 127.0.0.1 with the quorum of all controllers', () => {
  const props = properties(renderServerProperties(nodes[1] as NodeSpec, { brokerCount: 3, controllers: nodes }, '/d/node-2/data', {}))
  assert.equal(props.get('process.roles'), 'broker,controller')
  assert.equal(props.get('node.id'), '2')
  assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:9002,CONTROLLER://127.0.0.1:9102')
  assert.equal(props.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:9002')
  assert.equal(props.get('controller.quorum.bootstrap.servers'), '127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103')
  assert.equal(props.get('log.dirs'), '/d/node-2/data')
  assert.equal(props.get('min.insync.replicas'), '2')
})

test('renderServerProperties should let overrides win and give a broker-only node no controller listener', () => {
  const broker: NodeSpec = { id: 4, roles: ['broker'], port: 9004, controllerPort: 9104 }
  const props = properties(renderServerProperties(broker, { brokerCount: 4, controllers: nodes }, '/d', { 'min.insync.replicas': '1' }))
  assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:9004')
  assert.equal(props.get('process.roles'), 'broker')
  assert.equal(props.get('min.insync.replicas'), '1')
})

test('initialControllers should list id@host:port:directoryId for every controller', () => {
  const ids = new Map([[1, 'a'], [2, 'b'], [3, 'c']])
  assert.equal(initialControllers(nodes, ids), '1@127.0.0.1:9101:a,2@127.0.0.1:9102:b,3@127.0.0.1:9103:c')
})
