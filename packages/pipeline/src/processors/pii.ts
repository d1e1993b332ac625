// Privacy rules applied before an event is stored: named properties (and traits) are dropped,
// replaced by a salted SHA-256, or redacted; IP addresses lose their host part (the last octet of
// IPv4, all but the first 48 bits of IPv6), as Google Analytics' IP anonymisation does.
import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import type { PipelineEvent } from '../event.ts'

export interface PiiRules {
  /** Property or trait names, or dotted paths ("address.street"). */
  drop: readonly string[]
  hash: readonly string[]
  redact: readonly string[]
  anonymizeIp: boolean
  /** Mixed into hashes so a hashed e-mail cannot be looked up in a table of known ones. */
  hashSalt: string
}

export const defaultPiiRules: PiiRules = Object.freeze({ drop: [], hash: [], redact: [], anonymizeIp: true, hashSalt: '' })

export const REDACTED = '[redacted]'

export function applyPii (event: PipelineEvent, rules: PiiRules): PipelineEvent {
  const properties = structuredClone(event.properties)
  const traits = structuredClone(event.traits)
  const context = { ...event.context }
  for (const target of [properties, traits]) {
    for (const path of rules.drop) edit(target, path, () => undefined)
    for (const path of rules.hash) edit(target, path, value => createHash('sha256').update(rules.hashSalt).update(typeof value === 'string' ? value : JSON.stringify(value) ?? '').digest('hex'))
    for (const path of rules.redact) edit(target, path, () => REDACTED)
  }
  let ip = event.ip
  if (rules.anonymizeIp) {
    ip = ip === null ? null : anonymizeIp(ip)
    if (typeof context.ip === 'string') context.ip = anonymizeIp(context.ip)
    if (typeof properties.$ip === 'string') properties.$ip = anonymizeIp(properties.$ip)
  }
  return { ...event, properties, traits, context, ip }
}

function edit (target: Record<string, unknown>, path: string, change: (value: unknown) => unknown): void {
  const parts = path.split('.')
  let node: unknown = target
  for (const part of parts.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return
    node = (node as Record<string, unknown>)[part]
  }
  const last = parts[parts.length - 1] as string
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, last)) return
  const value = change((node as Record<string, unknown>)[last])
  if (value === undefined) delete (node as Record<string, unknown>)[last]
  else (node as Record<string, unknown>)[last] = value
}

export function anonymizeIp (ip: string): string {
  const version = isIP(ip)
  if (version === 4) return ip.split('.').slice(0, 3).concat('0').join('.')
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
    if (mapped) return `::ffff:${anonymizeIp(mapped[1] as string)}`
    const [head = ''] = ip.split('::')
    const groups = head.split(':').filter(g => g !== '').slice(0, 3)
    return `${groups.join(':')}::`
  }
  return REDACTED
}
