import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { allocatePorts, CONTROLLER_PORT_OFFSET, isPortFree } from '../src/ports.ts'

test('allocatePorts should give each node a free broker port and a controller port 100 above it', async () => {
  const ports = await allocatePorts(3)
  assert.equal(ports.length, 3)
  for (const p of ports) {
    assert.equal(p.controllerPort, p.port + CONTROLLER_PORT_OFFSET)
    assert.ok(p.port >= 20_000 && p.port < 32_768, 'below the ephemeral range')
    assert.ok(await isPortFree(p.port))
  }
  assert.equal(new Set(ports.map(p => p.port)).size, 3)
})

test('allocatePorts should refuse a preferred block that is taken, naming it', async (t) => {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => server.close())
  const taken = (server.address() as { port: number }).port
  assert.equal(await isPortFree(taken), false)
  await assert.rejects(allocatePorts(1, taken), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_NO_FREE_PORTS')
    assert.match(error.message, new RegExp(`ports ${taken}`))
    return true
  })
})
