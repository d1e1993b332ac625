// One config file (tackle.config.json, or the file TACKLE_CONFIG / --config names) under
// TACKLE_* environment variables, under flags. Only the CLI reads these; libraries take options.
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import Type from 'typebox'
import Value from 'typebox/value'
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

export interface LoadedConfig {
  config: TackleConfig
  /** The file it came from, if any. */
  file: string | undefined
}

function assertValid (value: unknown, where: string): asserts value is TackleConfig {
  if (Value.Check(ConfigSchema, value)) return
  const problems = Value.Errors(ConfigSchema, value)
    .filter(e => e.keyword !== 'boolean')
    .map(e => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperties?: string[] }).additionalProperties?.join(', ')})` : ''}`)
  throw new CliError(CliErrorCodes.CONFIG_INVALID, `${where}: ${problems.join('; ')}`)
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
  if (fromFile !== undefined) assertValid(fromFile, file)
  const config: TackleConfig = structuredClone((fromFile as TackleConfig | undefined) ?? {})

  const kafka: Record<string, unknown> = { ...config.kafka }
  for (const [name, key, type] of ENV_SETTINGS) {
    const raw = options.env[name]
    if (raw === undefined || raw === '') continue
    kafka[key] = type === 'number' && /^\d+$/.test(raw) ? Number(raw) : raw
  }
  const merged = { ...config, kafka }
  assertValid(merged, 'environment (TACKLE_KAFKA_*)')
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
