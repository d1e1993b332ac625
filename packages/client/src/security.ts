// TLS and SASL for every connection the library opens. Settings come from options; an app (or the
// CLI) that wants them from the environment passes `securityFromEnv()`, which reads them under
// Kafka's own names (security.protocol, sasl.mechanism). The password is hidden from the options
// object and handed to @platformatic/kafka inside a closure, so nothing logged or serialised
// carries it.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import type { SASLOptions } from '@platformatic/kafka'
import { ClientError, ClientErrorCodes, errorChain } from './errors.ts'

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

export type SaslMechanism = (typeof SASL_MECHANISMS)[number]

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const

export interface SecurityOptions {
  /** TLS to the brokers: true trusts the system's CAs; `caFile` or `ca` (PEM) trusts a private CA instead. */
  tls?: boolean | { caFile?: string, ca?: string | Buffer }
  sasl?: { mechanism: SaslMechanism, username: string, password: string }
}

/** The wire client's share of the settings: what `new Producer({...})` and friends take. */
export interface WireSecurity {
  tls?: TlsOptions
  sasl?: SASLOptions
}

function invalid (message: string): never {
  throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, message)
}

/**
 * KAFKA_SECURITY_PROTOCOL (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), KAFKA_SASL_MECHANISM
 * (default SCRAM-SHA-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SSL_CA_FILE.
 * A username without a protocol means SASL_SSL: credentials never go out in the clear by default.
 */
export function securityFromEnv (env: NodeJS.ProcessEnv = process.env): SecurityOptions | undefined {
  const protocol = env.KAFKA_SECURITY_PROTOCOL?.toUpperCase() || (env.KAFKA_SASL_USERNAME ? 'SASL_SSL' : undefined)
  // A CA file with no TLS to use it for is a setting the user believes in and nothing reads.
  if (env.KAFKA_SSL_CA_FILE && protocol !== 'SSL' && protocol !== 'SASL_SSL') {
    invalid(`KAFKA_SSL_CA_FILE is set but the connection is ${protocol ?? 'PLAINTEXT'} (no TLS): set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, or unset KAFKA_SSL_CA_FILE`)
  }
  if (protocol === undefined) return undefined
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) invalid(`KAFKA_SECURITY_PROTOCOL must be one of ${SECURITY_PROTOCOLS.join(', ')}, got "${env.KAFKA_SECURITY_PROTOCOL}"`)
  const security: SecurityOptions = {}
  if (protocol === 'SSL' || protocol === 'SASL_SSL') security.tls = env.KAFKA_SSL_CA_FILE ? { caFile: env.KAFKA_SSL_CA_FILE } : true
  if (protocol.startsWith('SASL_')) {
    const mechanism = (env.KAFKA_SASL_MECHANISM?.toUpperCase() || 'SCRAM-SHA-512') as SaslMechanism
    if (!env.KAFKA_SASL_USERNAME) invalid(`KAFKA_SECURITY_PROTOCOL=${protocol} needs KAFKA_SASL_USERNAME`)
    if (!env.KAFKA_SASL_PASSWORD) invalid(`KAFKA_SECURITY_PROTOCOL=${protocol} needs KAFKA_SASL_PASSWORD`)
    security.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
  }
  return security
}

/** The settings as a client keeps them: the password non-enumerable, so logging or serialising the options leaves it out. */
export function resolveSecurity (security: SecurityOptions | undefined): SecurityOptions | undefined {
  if (security?.sasl === undefined) return security
  const { password, ...visible } = security.sasl
  const sasl = Object.defineProperty({ ...visible }, 'password', { value: password, enumerable: false }) as NonNullable<SecurityOptions['sasl']>
  return Object.freeze({ ...security, sasl: Object.freeze(sasl) })
}

/** Checks the settings and turns them into the wire client's options; the CA file is read here. */
export function wireSecurity (security: SecurityOptions | undefined): WireSecurity {
  if (security === undefined) return {}
  const wire: WireSecurity = {}
  if (security.tls) {
    const given = security.tls === true ? {} : security.tls
    let ca = given.ca
    if (given.caFile !== undefined) {
      try {
        ca = readFileSync(given.caFile)
      } catch (error) {
        invalid(`security.tls.caFile "${given.caFile}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
    }
    wire.tls = ca === undefined ? {} : { ca }
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) invalid(`security.sasl.mechanism must be one of ${SASL_MECHANISMS.join(', ')}, got "${String(mechanism)}"`)
    if (typeof username !== 'string' || username === '') invalid('security.sasl.username must be a non-empty string')
    if (typeof password !== 'string' || password === '') invalid('security.sasl.password must be a non-empty string')
    wire.sasl = { mechanism, username, password: () => password }
  }
  return wire
}

// Codes Node's TLS layer gives a handshake that failed: an untrusted or mismatched certificate, or
// a TLS client talking to a plaintext port.
const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL|ERR_TLS|EPROTO/

/**
 * A connection the cluster refused for good: bad credentials or a failed TLS handshake. Retrying
 * cannot fix either, though @platformatic/kafka 2.12 wraps both in a retriable network error.
 */
export function connectionRefusal (error: unknown): ClientError | undefined {
  const all = errorChain(error)
  if (all.some(e => e.code === 'PLT_KFK_AUTHENTICATION' || e.apiId === 'SASL_AUTHENTICATION_FAILED' || e.apiId === 'UNSUPPORTED_SASL_MECHANISM')) {
    const detail = all.map(e => e.message).find(m => typeof m === 'string' && /invalid|mechanism|credentials/i.test(m))
    return new ClientError(ClientErrorCodes.AUTHENTICATION_FAILED, `the cluster refused the SASL credentials${detail ? `: ${String(detail)}` : ''}`, { cause: error })
  }
  const tls = all.find(e => typeof e.code === 'string' && TLS_ERROR.test(e.code))
  if (tls) return new ClientError(ClientErrorCodes.TLS_FAILED, `the TLS handshake failed: ${String(tls.code)} ${String(tls.message ?? '')}`.trim(), { cause: error })
  return undefined
}
