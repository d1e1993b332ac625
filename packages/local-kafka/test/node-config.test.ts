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

test('renderServerProperties should add a SASL_SSL listener with PLAIN and SCRAM only when the cluster has one', () => {
  const node: NodeSpec = { ...(nodes[0] as NodeSpec), securePort: 9201 }
  const secure = { username: 'tackle', password: 's3cret', caFile: '/s/ca.pem', keystoreFile: '/s/broker.p12', storePassword: 'store' }
  const props = properties(renderServerProperties(node, { brokerCount: 3, controllers: nodes }, '/d', {}, secure))
  assert.equal(props.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:9001,SASL_SSL://127.0.0.1:9201')
  assert.equal(props.get('listener.security.protocol.map'), 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL')
  assert.equal(props.get('inter.broker.listener.name'), 'PLAINTEXT')
  assert.equal(props.get('listener.name.sasl_ssl.sasl.enabled.mechanisms'), 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512')
  assert.match(props.get('listener.name.sasl_ssl.plain.sasl.jaas.config') ?? '', /user_tackle="s3cret";$/)
  assert.equal(props.get('listener.name.sasl_ssl.ssl.keystore.location'), '/s/broker.p12')

  const plain = properties(renderServerProperties(node, { brokerCount: 3, controllers: nodes }, '/d', {}))
  assert.equal(plain.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:9001')
  assert.equal([...plain.keys()].some(k => k.startsWith('listener.name.sasl_ssl')), false)
  assert.throws(() => renderServerProperties(node, { brokerCount: 3, controllers: nodes }, '/d', {}, { ...secure, password: 'a"b' }), /only letters, digits/)
})
