import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { isPidAlive } from './process-info.ts'
import { waitUntil } from './wait-until.ts'

/**
 * A lock file holding the owner's pid, so two tackle processes never start or stop the same
 * cluster at once. A lock whose owner died is stale and taken over.
 */
export async function withLock<T> (file: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), { recursive: true })
  const acquired = await waitUntil(async () => {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(await readFile(file, 'utf8').catch(() => ''))
      if (!Number.isInteger(owner) || owner <= 0 || !isPidAlive(owner)) await rm(file, { force: true })
      return undefined
    }
  }, { timeoutMs, initialDelayMs: 100, maxDelayMs: 1000 })
  if (!acquired) {
    throw new LocalKafkaError(LocalKafkaErrorCodes.LOCKED, `${file} is held by pid ${await readFile(file, 'utf8').catch(() => '?')}`, { canRetry: true })
  }
  try {
    return await work()
  } finally {
    await rm(file, { force: true })
  }
}
