import { setTimeout as sleep } from 'node:timers/promises'
import { Command } from 'commander'
import { LagMonitor, type GroupLag } from '@tackle/ops'
import { durationOption, interruptSignal, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { ExitCodes } from '../exit-codes.ts'
import { formatDuration, Progress } from '../progress.ts'
import { printJson, table } from '../output.ts'

interface LagFlags extends CommonFlags {
  group?: string[]
  window: number
  samples: number
  threshold?: number
}

function lagText (groups: GroupLag[]): string {
  if (groups.length === 0) return 'no consumer groups'
  const rows = [['GROUP', 'STATUS', 'STATE', 'TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'LAG TIME', 'PART STATUS']]
  for (const g of groups) {
    if (g.partitions.length === 0) rows.push([g.group, g.status, g.state, '-', '-', '-', '-', '0', '-', g.error ?? '-'])
    for (const p of g.partitions) {
      rows.push([g.group, g.status, g.state, p.topic, String(p.partition), String(p.committed), String(p.end), String(p.lagRecords), p.lagRecords === 0n ? '-' : `${p.lagMsAtLeast ? '≥' : ''}${formatDuration(p.lagMs)}`, p.status])
    }
  }
  return table(rows)
}

export function lagCommand (): Command {
  return withCommonOptions(new Command('lag'), ['json', 'dir', 'brokers'])
    .description('consumer lag per group and partition, in records and in time, with a Burrow-style status')
    .option('-g, --group <id...>', 'only these groups (default: every consumer group)')
    .addOption(durationOption('--window <duration>', 'how long to watch the offsets before judging', 10_000))
    .option('--samples <n>', 'looks at the offsets within the window', parseWholeNumber('--samples', 2, 100), 5)
    .option('--threshold <records>', 'lag in records past which a partition is WARN', parseWholeNumber('--threshold', 1, Number.MAX_SAFE_INTEGER))
    .addHelpText('after', `
Statuses (Burrow's rules, over the window): OK; WARN, lag grew at every look or passed --threshold;
STALL, members but the committed offset never moved; STOP, lag and nobody in the group; REWIND,
the committed offset went backwards; ERR, the group could not be read. An idle group at zero lag is
always OK. Lag time is how long ago the oldest unconsumed record was written; ≥ means before the window.

Examples:
  tackle lag
  tackle lag --group revenue --window 30s --threshold 10000 --json

Exit codes: 0 every group OK, 1 some group is not, 2 cannot reach the cluster.`)
    .action(async (flags: LagFlags) => {
      const context = await commandContext(flags)
      const { admin } = await context.admin()
      const monitor = new LagMonitor(admin, { windowSize: flags.samples, groups: flags.group })
      const progress = new Progress({ enabled: !flags.json })
      const signal = interruptSignal()
      try {
        for (let i = 0; i < flags.samples; i++) {
          progress.update('sampling committed and end offsets', { done: i, total: flags.samples })
          await monitor.sample()
          if (i < flags.samples - 1) await sleep(flags.window / (flags.samples - 1), undefined, { signal })
        }
      } finally {
        progress.done()
        await admin.close()
      }
      const groups = monitor.evaluate({ thresholdRecords: flags.threshold })
      if (flags.json) printJson({ groups })
      else process.stdout.write(lagText(groups) + '\n')
      process.exitCode = groups.every(g => g.status === 'OK') ? ExitCodes.OK : ExitCodes.FAILED
    })
}
