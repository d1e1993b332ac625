// One config file (tackle.config.json, or the file TACKLE_CONFIG / --config names) under
// TACKLE_* environment variables, under flags. Only the CLI reads these; libraries take options.
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { pino } from 'pino'
import Type from 'typebox'
import Value from 'typebox/value'
import { parseSize } from './common-options.ts'
import { configProblems } from './config-problems.ts'
import { CliError, CliErrorCodes } from './errors.ts'

export const ConfigSchema = Type.Object({
  brokers: Type.Optional(Type.String({ minLength: 1 })),
  kafka: Type.Optional(Type.Object({
    dir: Type.Optional(Type.String({ minLength: 1 })),
    nodes: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
    heapMb: Type.Optional(Type.Integer({ minimum: 128, maximum: 8192 })),
    portBase: Type.Optional(Type.Integer({ minimum: 1024, maximum: 64_000 })),
    brokerConfig: Type.Optional(Type.Record(Type.String(), Type.String())),
  }, { additionalProperties: false })),
  pipeline: Type.Optional(Type.Object({
    writeKeys: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    dashboardToken: Type.Optional(Type.String({ minLength: 16 })),
    databaseUrl: Type.Optional(Type.String({ minLength: 1 })),
    dataDir: Type.Optional(Type.String({ minLength: 1 })),
    collectorPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
    collectorHost: Type.Optional(Type.String({ minLength: 1 })),
    dashboardPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
    dashboardHost: Type.Optional(Type.String({ minLength: 1 })),
    maxEventBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
    maxBatchBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
    lateAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
    retentionDays: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    trackingPlans: Type.Optional(Type.Record(Type.String(), Type.Object({
      mode: Type.Union([Type.Literal('warn'), Type.Literal('enforce')]),
      events: Type.Record(Type.String(), Type.Object({})),
      allowUnplanned: Type.Optional(Type.Boolean()),
    }))),
    pii: Type.Optional(Type.Object({
      drop: Type.Optional(Type.Array(Type.String())),
      hash: Type.Optional(Type.Array(Type.String())),
      redact: Type.Optional(Type.Array(Type.String())),
      anonymizeIp: Type.Optional(Type.Boolean()),
      hashSalt: Type.Optional(Type.String()),
    }, { additionalProperties: false })),
    enrichment: Type.Optional(Type.Object({
      geoip: Type.Optional(Type.Boolean()),
      geoipDatabase: Type.Optional(Type.String({ minLength: 1 })),
      userAgent: Type.Optional(Type.Boolean()),
      bots: Type.Optional(Type.Object({
        include: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        exclude: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      }, { additionalProperties: false })),
    }, { additionalProperties: false })),
    // Each destination is checked by the pipeline's own schema (parseDestinations) as settings are read.
    destinations: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    // Each experiment is checked by the analytics package's own schema when the pipeline starts.
    experiments: Type.Optional(Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }))),
  }, { additionalProperties: false })),
}, { additionalProperties: false })

export type TackleConfig = Type.Static<typeof ConfigSchema>

export const CONFIG_FILE_NAME = 'tackle.config.json'

/** The environment variables and the config keys they set; numbers are parsed, then validated. */
const ENV_SETTINGS = [
  ['TACKLE_KAFKA_DIR', 'dir', 'string'],
  ['TACKLE_KAFKA_NODES', 'nodes', 'number'],
  ['TACKLE_KAFKA_HEAP_MB', 'heapMb', 'number'],
  ['TACKLE_KAFKA_PORT_BASE', 'portBase', 'number'],
] as const

const PIPELINE_ENV_SETTINGS = [
  ['TACKLE_WRITE_KEYS', 'writeKeys', 'list'],
  ['TACKLE_DASHBOARD_TOKEN', 'dashboardToken', 'string'],
  ['TACKLE_DATABASE_URL', 'databaseUrl', 'string'],
  ['TACKLE_DATA_DIR', 'dataDir', 'string'],
  ['TACKLE_COLLECTOR_PORT', 'collectorPort', 'number'],
  ['TACKLE_COLLECTOR_HOST', 'collectorHost', 'string'],
  ['TACKLE_DASHBOARD_PORT', 'dashboardPort', 'number'],
  ['TACKLE_DASHBOARD_HOST', 'dashboardHost', 'string'],
  ['TACKLE_MAX_EVENT_BYTES', 'maxEventBytes', 'bytes'],
  ['TACKLE_MAX_BATCH_BYTES', 'maxBatchBytes', 'bytes'],
  ['TACKLE_RETENTION_DAYS', 'retentionDays', 'number'],
] as const

/** pino's levels, and silent. */
const LOG_LEVELS: readonly string[] = [...Object.keys(pino.levels.values), 'silent']

export interface LoadedConfig {
  config: TackleConfig
  /** The file it came from, if any. */
  file: string | undefined
}

function assertValid (value: unknown, nameOf: (instancePath: string) => string): asserts value is TackleConfig {
  if (Value.Check(ConfigSchema, value)) return
  throw new CliError(CliErrorCodes.CONFIG_INVALID, configProblems(ConfigSchema, value, nameOf).join('; '))
}

/** `/kafka/nodes` as a file's reader sees it: `tackle.config.json: kafka.nodes`. */
function keyIn (file: string): (instancePath: string) => string {
  return path => `${file}: ${path.split('/').slice(1).join('.') || 'the top level'}`
}

async function readConfigFile (file: string, required: boolean): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new CliError(CliErrorCodes.CONFIG_INVALID, `cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(CliErrorCodes.CONFIG_INVALID, `${file} is not valid JSON: ${(error as Error).message}`)
  }
}

export async function loadConfig (options: { file?: string | undefined, env: NodeJS.ProcessEnv, cwd: string }): Promise<LoadedConfig> {
  const named = options.file ?? options.env.TACKLE_CONFIG
  const file = resolve(options.cwd, named ?? CONFIG_FILE_NAME)
  const fromFile = await readConfigFile(file, named !== undefined)
  if (fromFile !== undefined) assertValid(fromFile, keyIn(file))
  const config: TackleConfig = structuredClone((fromFile as TackleConfig | undefined) ?? {})

  // Which variable set each key, so an error names what the user typed.
  const setBy = new Map<string, string>()
  const kafka: Record<string, unknown> = { ...config.kafka }
  for (const [name, key, type] of ENV_SETTINGS) {
    const raw = options.env[name]
    if (raw === undefined || raw === '') continue
    kafka[key] = type === 'number' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw
    setBy.set(`/kafka/${key}`, name)
  }
  const pipeline: Record<string, unknown> = { ...config.pipeline }
  for (const [name, key, type] of PIPELINE_ENV_SETTINGS) {
    const raw = options.env[name]
    if (raw === undefined || raw === '') continue
    pipeline[key] = type === 'number' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : type === 'bytes' ? parseSize(raw) ?? raw : type === 'list' ? raw.split(',').map(k => k.trim()).filter(k => k !== '') : raw
    setBy.set(`/pipeline/${key}`, name)
  }
  const level = options.env.TACKLE_LOG_LEVEL
  if (level !== undefined && level !== '' && !LOG_LEVELS.includes(level)) {
    throw new CliError(CliErrorCodes.CONFIG_INVALID, `TACKLE_LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`)
  }
  const merged = { ...config, kafka, pipeline }
  assertValid(merged, path => setBy.get(path.split('/').slice(0, 3).join('/')) ?? keyIn(file)(path))
  return { config: merged, file: fromFile === undefined ? undefined : file }
}

/** Tackle's per-user state: the local cluster, roll progress. */
export function defaultStateDir (env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'tackle')
}

/** The local cluster lives per user, like Docker's state, so every shell and directory sees the same one. */
export function defaultKafkaDir (env: NodeJS.ProcessEnv): string {
  return join(defaultStateDir(env), 'kafka')
}
