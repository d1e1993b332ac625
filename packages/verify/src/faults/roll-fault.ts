// A rolling restart by Tackle's own `roll` as the fault: it runs during the episode, and the heal
// waits for it to finish. Under safe settings a roll must cost nothing.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localDriver, rollingRestart } from '@tackle/ops'
import type { Fault } from './fault.ts'

export const rollFault: Fault = {
  name: 'roll',
  description: 'a health-gated rolling restart of every broker (tackle roll); heal: wait for it to finish',
  async start (context) {
    const dir = await mkdtemp(join(tmpdir(), 'tackle-verify-roll-'))
    const rolled = rollingRestart({ admin: context.admin, driver: localDriver(context.cluster), stateFile: join(dir, 'roll.json'), signal: context.signal })
    // Handled at heal; this keeps an early failure from being an unhandled rejection meanwhile.
    rolled.catch(() => undefined)
    return {
      detail: 'rolling restart of every broker',
      heal: async () => {
        try {
          await rolled
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      },
    }
  },
}
