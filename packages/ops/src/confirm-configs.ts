// A config change is made on the controller and reaches each broker with the metadata, so a
// describe right after it can still show the old value. Changes an operation relies on are read
// back until they hold, rather than assumed.
import { setTimeout as sleep } from 'node:timers/promises'
import type { ClusterAdmin } from '@tackle/client'
import { OpsError, OpsErrorCodes } from './errors.ts'

/** Sets `changes` on one topic or broker ('' for the cluster-wide defaults, read back from `readFrom`) and waits until they read back. */
export async function alterConfigsConfirmed (admin: ClusterAdmin, type: 'topic' | 'broker', name: string, changes: Readonly<Record<string, string>>, options: { readFrom?: string, timeoutMs?: number } = {}): Promise<void> {
  await admin.alterConfigs(type, name, changes)
  const target = options.readFrom ?? name
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  while (true) {
    const configs = (await admin.configs(type, [target])).get(target)
    const pending = Object.entries(changes).filter(([key, value]) => configs?.get(key) !== value)
    if (pending.length === 0) return
    if (Date.now() > deadline) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `${type} ${target} still reads ${pending.map(([k]) => `${k}=${configs?.get(k)}`).join(', ')} after setting it`, { canRetry: true })
    await sleep(250)
  }
}
