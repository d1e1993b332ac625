// When the certificate of each TLS listener the brokers advertise runs out. The listeners come
// from each broker's own configs (advertised.listeners, else listeners, with
// listener.security.protocol.map), so every SSL and SASL_SSL listener is checked, not only the one
// Tackle connects through. Each is read with a TLS handshake that does not verify the chain: this
// looks at a certificate, it does not trust it.
import { connect } from 'node:tls'
import type { BrokerInfo, ClusterAdmin } from '@tackle/client'

export interface ListenerCertificate {
  broker: number
  listener: string
  host: string
  port: number
  /** ISO time the certificate stops being valid; null when it could not be read. */
  notAfter: string | null
  subject: string | null
  error: string | null
}

export interface AdvertisedListener {
  name: string
  protocol: string
  host: string
  port: number
}

/** `NAME://host:port,...` with its protocol map; an empty host is the broker's own. */
export function tlsListeners (listeners: string | null | undefined, protocolMap: string | null | undefined, brokerHost: string): AdvertisedListener[] {
  const protocols = new Map((protocolMap ?? '').split(',').filter(Boolean).map(entry => entry.split(':') as [string, string]).map(([name, protocol]) => [name.trim().toUpperCase(), (protocol ?? '').trim().toUpperCase()]))
  return (listeners ?? '').split(',').filter(Boolean).flatMap(entry => {
    const match = /^([^:]+):\/\/\[?([^\]]*?)\]?:(\d+)$/.exec(entry.trim())
    if (!match) return []
    const name = (match[1] as string).toUpperCase()
    // Without a map entry, a listener named after a protocol is that protocol (Kafka's rule).
    const protocol = protocols.get(name) ?? name
    if (protocol !== 'SSL' && protocol !== 'SASL_SSL') return []
    return [{ name, protocol, host: match[2] || brokerHost, port: Number(match[3]) }]
  })
}

function readCertificate (host: string, port: number, timeoutMs: number): Promise<{ notAfter: string, subject: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const certificate = socket.getPeerCertificate()
      socket.destroy()
      if (!certificate?.valid_to) reject(new Error('the listener presented no certificate'))
      else resolve({ notAfter: new Date(certificate.valid_to).toISOString(), subject: Object.entries(certificate.subject ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ') })
    })
    socket.on('timeout', () => { socket.destroy(); reject(new Error(`no TLS handshake within ${timeoutMs} ms`)) })
    socket.on('error', reject)
  })
}

export async function listenerCertificates (admin: ClusterAdmin, brokers: readonly BrokerInfo[], timeoutMs = 5_000): Promise<ListenerCertificate[]> {
  const configs = await admin.configs('broker', brokers.map(b => String(b.id)))
  const found = await Promise.all(brokers.map(async broker => {
    const own = configs.get(String(broker.id))
    const listeners = tlsListeners(own?.get('advertised.listeners') ?? own?.get('listeners'), own?.get('listener.security.protocol.map'), broker.host)
    return Promise.all(listeners.map(async (l): Promise<ListenerCertificate> => {
      const base = { broker: broker.id, listener: l.name, host: l.host, port: l.port }
      try {
        return { ...base, ...await readCertificate(l.host, l.port, timeoutMs), error: null }
      } catch (error) {
        return { ...base, notAfter: null, subject: null, error: (error as Error).message }
      }
    }))
  }))
  return found.flat()
}
