// Does any bootstrap broker answer? One connection (TLS and SASL included) and an ApiVersions
// round trip, bounded in time, so a tool says "no broker answers" within seconds instead of
// waiting out its own, longer, deadlines.
import { apiVersionsV3, ConnectionPool, parseBroker } from '@platformatic/kafka'
import { ClientError, ClientErrorCodes } from '../errors.ts'
import { connectionRefusal, resolveSecurity, wireSecurity, type SecurityOptions } from '../security.ts'

export interface ProbeOptions {
  bootstrapBrokers: readonly string[]
  security?: SecurityOptions
  /** For the whole probe; each connection attempt gets the same. Default 5 s. */
  timeoutMs?: number
  clientId?: string
}

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000

/** Resolves with the first broker that answered; rejects TACKLE_CLIENT_UNREACHABLE, _TLS_FAILED or _AUTHENTICATION_FAILED. */
export async function probeBrokers (options: ProbeOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const list = options.bootstrapBrokers.join(',')
  const pool = new ConnectionPool(options.clientId ?? 'tackle-probe', { ...wireSecurity(resolveSecurity(options.security)), connectTimeout: timeoutMs, requestTimeout: timeoutMs })
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ClientError(ClientErrorCodes.UNREACHABLE, `no broker of ${list} answered within ${timeoutMs / 1000} s`, { canRetry: true })), timeoutMs)
  })
  try {
    const ask = async (): Promise<string> => {
      const connection = await pool.getFirstAvailable(options.bootstrapBrokers.map(b => parseBroker(b)))
      await apiVersionsV3.api.async(connection, 'tackle', '0')
      return `${connection.host}:${connection.port}`
    }
    return await Promise.race([ask(), deadline])
  } catch (cause) {
    if (cause instanceof ClientError) throw cause
    throw connectionRefusal(cause) ?? new ClientError(ClientErrorCodes.UNREACHABLE, `no broker of ${list} answered: ${(cause as Error).message}`, { cause, canRetry: true })
  } finally {
    clearTimeout(timer)
    await pool.close().catch(() => undefined)
  }
}
