// Kafka's Java tools take TLS and SASL settings as a client properties file. `tackle kafka exec`
// writes one (readable by the owner only) from the same environment the library reads, so one
// set of KAFKA_SASL_* variables serves the app, the CLI and Kafka's own tools.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SecurityOptions } from '@tackle/client'

// Every Kafka 4.x tool that talks to brokers takes --command-config; older names still work too.
const CONFIG_FLAGS = /^--(command-config|command\.config|admin\.config|producer\.config|consumer\.config)$/
const NO_CLIENT = new Set(['kafka-storage', 'kafka-dump-log', 'kafka-e2e-latency', 'kafka-cluster', 'kafka-replica-verification'])

const LOGIN_MODULES = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
} as const

/** JAAS quotes its values; a quote or backslash inside one is escaped. */
function jaasQuote (value: string): string {
  return `"${value.replace(/[\\"]/g, c => `\\${c}`)}"`
}

/** A Java properties file's value: backslashes doubled, line breaks escaped. */
function propertiesValue (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

export async function clientProperties (security: SecurityOptions): Promise<string> {
  const tls = security.tls !== undefined && security.tls !== false
  const sasl = security.sasl
  const lines = [`security.protocol=${sasl ? (tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : (tls ? 'SSL' : 'PLAINTEXT')}`]
  if (typeof security.tls === 'object') {
    const pem = security.tls.caFile !== undefined ? await readFile(security.tls.caFile, 'utf8') : security.tls.ca?.toString()
    if (pem !== undefined) lines.push('ssl.truststore.type=PEM', `ssl.truststore.certificates=${propertiesValue(pem.trim())}`)
  }
  if (sasl) {
    lines.push(`sasl.mechanism=${sasl.mechanism}`)
    lines.push(`sasl.jaas.config=${propertiesValue(`${LOGIN_MODULES[sasl.mechanism]} required username=${jaasQuote(sasl.username)} password=${jaasQuote(sasl.password)};`)}`)
  }
  return lines.join('\n') + '\n'
}

/**
 * The arguments to add for a tool to connect securely, and a clean-up that deletes the file they
 * name. Nothing is added without security settings, for tools that open no client connection, or
 * when the arguments already name a config file.
 */
export async function toolSecurityArgs (tool: string, args: readonly string[], security: SecurityOptions | undefined): Promise<{ args: string[], cleanup (): Promise<void> }> {
  const none = { args: [], cleanup: async () => undefined }
  if (security === undefined || NO_CLIENT.has(tool.replace(/\.sh$/, '')) || args.some(a => CONFIG_FLAGS.test(a))) return none
  const dir = await mkdtemp(join(tmpdir(), 'tackle-tool-'))
  const file = join(dir, 'client.properties')
  await writeFile(file, await clientProperties(security), { mode: 0o600 })
  return { args: ['--command-config', file], cleanup: () => rm(dir, { recursive: true, force: true }) }
}
