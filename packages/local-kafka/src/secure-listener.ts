// The opt-in SASL_SSL listener: a CA and a broker certificate made with the JDK's keytool (always
// there, unlike openssl), one user known to PLAIN and to both SCRAM mechanisms, and the broker
// settings that serve them. Brokers still talk to each other and to the controllers in plaintext;
// the listener exists so that clients and tools can be tested against real TLS and SASL.
import { randomBytes } from 'node:crypto'
import { chmod, rm } from 'node:fs/promises'
import { mkdirPrivate } from './secret-file.ts'
import { dirname, join } from 'node:path'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { javaBinary } from './java.ts'
import { runCommand } from './run-command.ts'

export const SECURE_PORT_OFFSET = 200

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

export type SaslMechanism = (typeof SASL_MECHANISMS)[number]

/** What the cluster's state file keeps about its secure listener. */
export interface SecureListenerRecord {
  username: string
  password: string
  /** PEM of the CA that signed the broker certificate: what clients trust. */
  caFile: string
  /** PKCS#12 with the broker's key and certificate chain. */
  keystoreFile: string
  storePassword: string
}

/** What a client needs to connect to the secure listener. */
export interface SecureConnection {
  bootstrap: string
  caFile: string
  username: string
  password: string
  mechanisms: readonly SaslMechanism[]
}

// JAAS values are quoted strings; these characters would end or escape them.
const SAFE_SECRET = /^[A-Za-z0-9_-]+$/

function randomSecret (): string {
  return randomBytes(18).toString('base64url')
}

async function keytool (args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const java = javaBinary(env)
  const binary = java === 'java' ? 'keytool' : join(dirname(java), 'keytool')
  // C1 only: each call is a short-lived JVM.
  const result = await runCommand(binary, ['-J-XX:TieredStopAtLevel=1', ...args], { env })
  if (result.code !== 0) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.FORMAT_FAILED, `keytool ${args[0]} failed (exit ${result.code}): ${(result.stderr + result.stdout).trim().slice(-500)}`)
  }
}

/** A fresh CA and broker certificate (for 127.0.0.1 and localhost) in `dir`, plus a random user. */
export async function createSecureListener (dir: string, env: NodeJS.ProcessEnv): Promise<SecureListenerRecord> {
  await rm(dir, { recursive: true, force: true })
  await mkdirPrivate(dir)
  const storePassword = randomSecret()
  const ca = join(dir, 'ca.p12')
  const caFile = join(dir, 'ca.pem')
  const keystoreFile = join(dir, 'broker.p12')
  const csr = join(dir, 'broker.csr')
  const brokerPem = join(dir, 'broker.pem')
  const store = (file: string) => ['-keystore', file, '-storetype', 'PKCS12', '-storepass', storePassword]
  const keyPair = ['-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '3650']
  await keytool(['-genkeypair', '-alias', 'ca', '-dname', 'CN=tackle-local-ca', '-ext', 'bc:c', ...keyPair, ...store(ca)], env)
  await keytool(['-exportcert', '-alias', 'ca', '-rfc', '-file', caFile, ...store(ca)], env)
  await keytool(['-genkeypair', '-alias', 'broker', '-dname', 'CN=localhost', ...keyPair, ...store(keystoreFile)], env)
  await keytool(['-certreq', '-alias', 'broker', '-file', csr, ...store(keystoreFile)], env)
  await keytool(['-gencert', '-alias', 'ca', '-infile', csr, '-outfile', brokerPem, '-rfc', '-ext', 'SAN=ip:127.0.0.1,dns:localhost', '-validity', '3650', ...store(ca)], env)
  await keytool(['-importcert', '-alias', 'ca', '-file', caFile, '-noprompt', ...store(keystoreFile)], env)
  await keytool(['-importcert', '-alias', 'broker', '-file', brokerPem, '-noprompt', ...store(keystoreFile)], env)
  // keytool writes with the umask; the keystores hold private keys.
  for (const file of [ca, keystoreFile]) await chmod(file, 0o600)
  return { username: 'tackle', password: randomSecret(), caFile, keystoreFile, storePassword }
}

/** `kafka-storage format` arguments that store the user's SCRAM credentials in the metadata log. */
export function scramFormatArgs (secure: SecureListenerRecord): string[] {
  return ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap(m => ['--add-scram', `${m}=[name=${secure.username},password=${secure.password}]`])
}

/** server.properties entries for the SASL_SSL listener on `port`. */
export function secureListenerProperties (secure: SecureListenerRecord): Record<string, string> {
  if (!SAFE_SECRET.test(secure.username) || !SAFE_SECRET.test(secure.password)) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.INVALID_OPTIONS, 'the secure listener\'s username and password may hold only letters, digits, "_" and "-"')
  }
  const prefix = 'listener.name.sasl_ssl'
  return {
    [`${prefix}.sasl.enabled.mechanisms`]: SASL_MECHANISMS.join(','),
    [`${prefix}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required user_${secure.username}="${secure.password}";`,
    [`${prefix}.scram-sha-256.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    [`${prefix}.scram-sha-512.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    [`${prefix}.ssl.keystore.type`]: 'PKCS12',
    [`${prefix}.ssl.keystore.location`]: secure.keystoreFile,
    [`${prefix}.ssl.keystore.password`]: secure.storePassword,
    [`${prefix}.ssl.key.password`]: secure.storePassword,
  }
}
