// Progress of a long operation (a roll, a reassignment) on disk after every step, so that a run
// that is killed resumes instead of repeating work. Written whole to a temporary file and renamed,
// so a reader never sees half of one.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { OpsError, OpsErrorCodes } from './errors.ts'

export interface StateFile {
  format: 1
  kind: string
  clusterId: string
  startedAt: string
  updatedAt: string
}

/** The state in `file`, or undefined when there is none; one of another kind is refused. */
export async function readState<S extends StateFile> (file: string, kind: S['kind']): Promise<S | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (text === undefined) return undefined
  let state: S
  try {
    state = JSON.parse(text) as S
  } catch (error) {
    throw new OpsError(OpsErrorCodes.STATE_MISMATCH, `${file} is not a state file: ${(error as Error).message}`)
  }
  if (state.format !== 1 || state.kind !== kind) throw new OpsError(OpsErrorCodes.STATE_MISMATCH, `${file} is not a ${kind} state file`)
  return state
}

export async function writeState (file: string, state: StateFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n')
  await rename(temporary, file)
}

export async function removeState (file: string): Promise<void> {
  await rm(file, { force: true })
}
