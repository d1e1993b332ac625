// What a roll has done: `done` were restarted and caught up; `restarting` was being restarted when
// the roll stopped, and is waited for, not restarted again.
import { readState, removeState, writeState, type StateFile } from '../state-file.ts'

export interface RollState extends StateFile {
  kind: 'roll'
  brokers: number[]
  done: number[]
  restarting: number | null
}

export function readRollState (file: string): Promise<RollState | undefined> {
  return readState<RollState>(file, 'roll')
}

export const writeRollState = writeState
export const removeRollState = removeState
