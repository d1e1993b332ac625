// The pipeline's settings for `tackle start`: the config file's "pipeline" section under the
// TACKLE_* variables (config.ts merged them). With no write key or dashboard token configured, one
// of each is generated on first start and kept (mode 0600) in the data directory, so SDKs and
// bookmarks keep working across restarts.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseDestinations, PipelineError, type DestinationConfig } from '@tackle/pipeline'
import type { TackleConfig } from './config.ts'
import { defaultStateDir } from './config.ts'
import { CliError, CliErrorCodes } from './errors.ts'

export type PipelineConfig = NonNullable<TackleConfig['pipeline']>

export interface PipelineSettings extends Omit<PipelineConfig, 'destinations'> {
  writeKeys: string[]
  destinations: DestinationConfig[]
  dashboardToken: string
  dataDir: string
  /** Which of the two were generated here rather than configured. */
  generated: { writeKey: boolean, dashboardToken: boolean }
}

interface Secrets {
  writeKey: string
  dashboardToken: string
}

export async function pipelineSettings (config: TackleConfig, env: NodeJS.ProcessEnv): Promise<PipelineSettings> {
  const pipeline = config.pipeline ?? {}
  const dataDir = pipeline.dataDir ?? join(defaultStateDir(env), 'pipeline')
  const needSecret = pipeline.writeKeys === undefined || pipeline.dashboardToken === undefined
  const secrets = needSecret ? await keptSecrets(dataDir) : undefined
  return {
    ...pipeline,
    dataDir,
    destinations: configuredDestinations(pipeline.destinations),
    writeKeys: pipeline.writeKeys ?? [secrets?.writeKey as string],
    dashboardToken: pipeline.dashboardToken ?? (secrets?.dashboardToken as string),
    generated: { writeKey: pipeline.writeKeys === undefined, dashboardToken: pipeline.dashboardToken === undefined },
  }
}

/** The config's destinations, checked: a wrong one is a configuration error naming its index and field. */
export function configuredDestinations (given: unknown[] | undefined): DestinationConfig[] {
  if (given === undefined) return []
  try {
    return parseDestinations(given)
  } catch (error) {
    if (error instanceof PipelineError) throw new CliError(CliErrorCodes.CONFIG_INVALID, `pipeline.${error.message}`)
    throw error
  }
}

async function keptSecrets (dataDir: string): Promise<Secrets> {
  const file = join(dataDir, 'secrets.json')
  try {
    const kept = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>
    if (typeof kept.writeKey === 'string' && typeof kept.dashboardToken === 'string') return kept as Secrets
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error
  }
  const fresh: Secrets = { writeKey: `demo_${randomBytes(12).toString('hex')}`, dashboardToken: randomBytes(24).toString('base64url') }
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  return fresh
}
