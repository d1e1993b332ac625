// Fetches a pinned Apache Kafka from Maven Central with maven/pom.xml (copy-dependencies) into a
// per-machine cache; once the jars are there, nothing talks to Maven again.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { runCommand } from './run-command.ts'

/** The newest 4.x whose whole dependency tree resolved here (checked 2026-11-25). */
export const KAFKA_VERSION = '4.4.0'

const POM = fileURLToPath(new URL('../maven/pom.xml', import.meta.url))
const COMPLETE_MARKER = '.complete'

export interface KafkaDistribution {
  version: string
  libDir: string
  /** A Java classpath: every jar in libDir. */
  classpath: string
}

export interface EnsureKafkaOptions {
  version?: string
  cacheDir?: string
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** Called once when the jars are not cached and the fetch begins. */
  onFetchStart?: (version: string) => void
}

export function defaultCacheDir (env: NodeJS.ProcessEnv = process.env): string {
  return env.TACKLE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tackle')
}

function distributionOf (libDir: string, version: string): KafkaDistribution {
  return { version, libDir, classpath: join(libDir, '*') }
}

export async function cachedKafka (options: EnsureKafkaOptions = {}): Promise<KafkaDistribution | undefined> {
  const version = options.version ?? KAFKA_VERSION
  const libDir = join(options.cacheDir ?? defaultCacheDir(options.env), 'kafka', version, 'libs')
  const complete = await stat(join(libDir, COMPLETE_MARKER)).then(() => true, () => false)
  return complete ? distributionOf(libDir, version) : undefined
}

export async function ensureKafka (options: EnsureKafkaOptions = {}): Promise<KafkaDistribution> {
  const cached = await cachedKafka(options)
  if (cached) return cached

  const version = options.version ?? KAFKA_VERSION
  const versionDir = join(options.cacheDir ?? defaultCacheDir(options.env), 'kafka', version)
  const libDir = join(versionDir, 'libs')
  options.onFetchStart?.(version)

  // A private staging directory, renamed into place, so that two concurrent fetches or a crash
  // half-way never leave a libs directory that looks complete but is not.
  const staging = join(versionDir, `libs.staging-${process.pid}-${Date.now()}`)
  await mkdir(versionDir, { recursive: true })
  const runOptions = { env: options.env ?? process.env, signal: options.signal }
  const result = await runCommand('mvn', [
    '-B', '-q', '-f', POM, 'dependency:copy-dependencies',
    `-Dkafka.version=${version}`, `-Dtackle.libDir=${staging}`,
  ], runOptions).catch((cause: unknown) => {
    throw new LocalKafkaError(LocalKafkaErrorCodes.ABORTED, `fetching Kafka ${version} was cancelled`, { cause })
  })
  if (result.code === 127) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.MAVEN_MISSING, 'Maven (mvn) is not on PATH; it fetches the Kafka jars from Maven Central')
  }
  const jars = result.code === 0 ? (await readdir(staging)).filter(f => f.endsWith('.jar')) : []
  if (result.code !== 0 || !jars.some(j => j.startsWith(`kafka_2.13-${version}`))) {
    await rm(staging, { recursive: true, force: true })
    const output = (result.stdout + result.stderr).trim().split('\n').slice(-15).join('\n')
    throw new LocalKafkaError(LocalKafkaErrorCodes.FETCH_FAILED, `mvn could not fetch Kafka ${version} (exit ${result.code}):\n${output}`, { canRetry: true })
  }
  await writeFile(join(staging, COMPLETE_MARKER), `${jars.length} jars\n`)
  try {
    await rename(staging, libDir)
  } catch (error) {
    // Another process finished first; its copy is as good as ours.
    await rm(staging, { recursive: true, force: true })
    const other = await cachedKafka(options)
    if (!other) throw error
  }
  return distributionOf(libDir, version)
}
