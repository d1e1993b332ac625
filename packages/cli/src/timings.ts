// Remembers how long a step took last time, so the next run can show an ETA for it.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

export class Timings {
  readonly #file: string

  constructor (cacheDir: string) {
    this.#file = join(cacheDir, 'timings.json')
  }

  async #read (): Promise<Record<string, number>> {
    return readFile(this.#file, 'utf8').then(t => JSON.parse(t) as Record<string, number>, () => ({}))
  }

  async get (step: string): Promise<number | undefined> {
    return (await this.#read())[step]
  }

  /** Best effort: a read-only cache only costs the next ETA. */
  async record (step: string, ms: number): Promise<void> {
    try {
      const all = await this.#read()
      all[step] = Math.round(ms)
      await mkdir(dirname(this.#file), { recursive: true })
      await writeFile(this.#file, JSON.stringify(all) + '\n')
    } catch {}
  }
}
