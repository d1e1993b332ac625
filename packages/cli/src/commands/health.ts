import { Command } from 'commander'
import { checkHealth, type HealthReport } from '@tackle/ops'
import { parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson, table } from '../output.ts'

interface HealthFlags extends CommonFlags {
  quorumLagMs?: number
}

export function healthText (report: HealthReport): string {
  const registered = report.brokers.filter(b => b.registered).length
  const head = `${report.healthy ? 'healthy' : 'UNHEALTHY'}: ${registered} of ${report.brokers.length} brokers registered, controller ${report.controller.id}, ${report.partitions} partitions`
  const imbalance = report.leaderImbalance.partitions > 0 ? `\nleader imbalance: ${report.leaderImbalance.partitions} partitions not led by their preferred replica (reported only)` : ''
  if (report.problems.length === 0) return head + imbalance
  const rows = [['PROBLEM', 'TOPIC', 'PARTITION', 'DETAIL'], ...report.problems.map(p => [p.kind, p.topic ?? '-', p.partition === undefined ? '-' : String(p.partition), p.detail])]
  return `${head}${imbalance}\n\n${table(rows)}`
}

export function healthCommand (): Command {
  return withCommonOptions(new Command('health'), ['json', 'dir', 'brokers'])
    .description('ensure the cluster is healthy: brokers registered, quorum caught up, no offline, under-min-ISR or under-replicated partitions')
    .option('--quorum-lag-ms <ms>', 'a controller whose last catch-up is older than this is lagging', parseWholeNumber('--quorum-lag-ms', 1, 3_600_000))
    .addHelpText('after', '\nExit codes: 0 healthy, 1 unhealthy (each problem names its topic and partition), 2 cannot reach the cluster.')
    .action(async (flags: HealthFlags) => {
      const context = await commandContext(flags)
      const { admin, expectedBrokers } = await context.admin()
      try {
        const report = await checkHealth(admin, { expectedBrokers, ...(flags.quorumLagMs ? { quorumLagMs: flags.quorumLagMs } : {}) })
        if (flags.json) printJson(report)
        else process.stdout.write(healthText(report) + '\n')
        process.exitCode = report.healthy ? ExitCodes.OK : ExitCodes.FAILED
      } finally {
        await admin.close()
      }
    })
}
