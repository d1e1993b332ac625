import { createServer } from 'node:net'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { HOST } from './node-config.ts'
import { SECURE_PORT_OFFSET } from './secure-listener.ts'

export const CONTROLLER_PORT_OFFSET = 100

export function isPortFree (port: number, host = HOST): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

export interface NodePorts {
  port: number
  controllerPort: number
  /** Reserved for every node, used only by clusters with a secure listener. */
  securePort: number
}

async function blockIsFree (base: number, count: number): Promise<boolean> {
  for (let i = 0; i < count; i++) {
    for (const offset of [0, CONTROLLER_PORT_OFFSET, SECURE_PORT_OFFSET]) {
      if (!await isPortFree(base + offset + i)) return false
    }
  }
  return true
}

/**
 * Broker ports base..base+count-1, controller ports 100 above them and secure ones 200 above. Without a preferred base,
 * a random block below Linux's ephemeral range (32768+) is taken, so that a client's outgoing
 * connection cannot grab a node's port while that node is down for a restart.
 */
export async function allocatePorts (count: number, preferredBase?: number, attempts = 50): Promise<NodePorts[]> {
  const block = (base: number) => Array.from({ length: count }, (_, i) => ({ port: base + i, controllerPort: base + CONTROLLER_PORT_OFFSET + i, securePort: base + SECURE_PORT_OFFSET + i }))
  if (preferredBase !== undefined) {
    if (await blockIsFree(preferredBase, count)) return block(preferredBase)
    throw new LocalKafkaError(LocalKafkaErrorCodes.NO_FREE_PORTS, `ports ${preferredBase}..${preferredBase + count - 1} or ${preferredBase + CONTROLLER_PORT_OFFSET}.. are in use on ${HOST}`)
  }
  for (let i = 0; i < attempts; i++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000 / 10) * 10
    if (await blockIsFree(base, count)) return block(base)
  }
  throw new LocalKafkaError(LocalKafkaErrorCodes.NO_FREE_PORTS, `no block of ${count} free ports found on ${HOST} after ${attempts} tries`)
}
