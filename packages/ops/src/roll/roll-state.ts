// What a roll has done, on disk after every step, so that a roll killed midway resumes without
// restarting any broker twice: `done` were restarted and caught up; `restarting` was being
// restarted when the roll stopped, and is waited for, not restarted again.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export interface RollState {
  format: 1
  clusterId: string
  brokers: number[]
  done: number[]
  restarting: number | null
  startedAt: string
  updatedAt: string
}

export async function readRollState (file: string): Promise<RollState | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (text === undefined) return undefined
  try {
    const state = JSON.parse(text) as RollState
    if (state.format !== 1 || !Array.isArray(state.done)) throw new Error('unknown format')
    return state
  } catch (error) {
    throw new OpsError(OpsErrorCodes.STATE_MISMATCH, `${file} is not a roll state file: ${(error as Error).message}`)
  }
}

export async function writeRollState (file: string, state: RollState): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n')
  await rename(temporary, file)
}

export async function removeRollState (file: string): Promise<void> {
  await rm(file, { force: true })
}
