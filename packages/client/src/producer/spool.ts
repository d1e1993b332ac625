// A write-ahead file for records the cluster could not take: JSON lines, fsync'd before send()
// resolves, read back in order when the cluster returns. A line torn by a crash mid-write is
// dropped; every other line is replayed, so a replay may repeat a record but never lose one.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

export interface SpooledRecord {
  topic: string
  /** base64 */
  key?: string
  /** base64 */
  value: string
  headers: Record<string, string>
}

export class Spool {
  readonly file: string
  readonly #dir: string

  constructor (dir: string) {
    this.#dir = dir
    this.file = join(dir, 'spool.jsonl')
  }

  async append (records: readonly SpooledRecord[]): Promise<void> {
    if (records.length === 0) return
    await mkdir(this.#dir, { recursive: true })
    const handle = await open(this.file, 'a')
    try {
      await handle.write(records.map(r => JSON.stringify(r) + '\n').join(''))
      await handle.datasync()
    } finally {
      await handle.close()
    }
  }

  async read (): Promise<SpooledRecord[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '')
    const records: SpooledRecord[] = []
    for (const line of text.split('\n')) {
      if (line === '') continue
      try {
        records.push(JSON.parse(line) as SpooledRecord)
      } catch {
        // The torn tail of a write the crash interrupted: it was never acknowledged to anyone.
      }
    }
    return records
  }

  /** Keeps only `remaining`, atomically: a crash leaves either the old spool or the new one. */
  async replace (remaining: readonly SpooledRecord[]): Promise<void> {
    if (remaining.length === 0) {
      await rm(this.file, { force: true })
      return
    }
    const temporary = `${this.file}.${process.pid}.tmp`
    const handle = await open(temporary, 'w')
    try {
      await handle.write(remaining.map(r => JSON.stringify(r) + '\n').join(''))
      await handle.datasync()
    } finally {
      await handle.close()
    }
    await rename(temporary, this.file)
  }
}
