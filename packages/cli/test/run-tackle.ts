// Runs the real `tackle` launcher (packages/cli/bin/tackle) as a user would, in a clean environment:
// no KAFKA_BROKERS, no config file, and a state directory of its own.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const TACKLE_BIN = fileURLToPath(new URL('../bin/tackle', import.meta.url))

const stateHome = mkdtempSync(join(tmpdir(), 'tackle-cli-state-'))

export interface TackleRun {
  code: number
  stdout: string
  stderr: string
}

export function tackleEnv (overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: stateHome, ...overrides }
  for (const name of ['KAFKA_BROKERS', 'TACKLE_CONFIG', 'TACKLE_KAFKA_DIR', 'TACKLE_KAFKA_NODES']) {
    if (!(name in overrides)) delete env[name]
  }
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete env[name]
  return env
}

export function runTackle (args: readonly string[], options: { env?: Record<string, string | undefined>, cwd?: string, input?: string } = {}): Promise<TackleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(TACKLE_BIN, args, { env: tackleEnv(options.env), cwd: options.cwd ?? tmpdir(), stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    if (options.input !== undefined) child.stdin?.end(options.input)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** Parses stdout as exactly one JSON object: anything else on stdout fails the test. */
export function onlyJson (run: TackleRun): Record<string, unknown> {
  const value: unknown = JSON.parse(run.stdout)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`stdout is not one JSON object: ${run.stdout}`)
  return value as Record<string, unknown>
}
