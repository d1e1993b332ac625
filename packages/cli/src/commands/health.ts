import { Command } from 'commander'
import { checkHealth, type HealthReport } from '@tackle/ops'
import { durationOption, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson, table } from '../output.ts'

interface HealthFlags extends CommonFlags {
  quorumLag?: number
  quorumLagMs?: number
}

export function healthText (report: HealthReport): string {
  const registered = report.brokers.filter(b => b.registered).length
  const head = `${report.healthy ? 'healthy' : 'UNHEALTHY'}: ${registered} of ${report.brokers.length} brokers registered, controller ${report.controller.id}, ${report.partitions} partitions`
  const imbalance = report.leaderImbalance.partitions > 0 ? `\nleader imbalance: ${report.leaderImbalance.partitions} partitions not led by their preferred replica (reported only)` : ''
  const disks = report.logDirs.filter(d => d.usedRatio !== null)
  const fullest = disks.sort((a, b) => (b.usedRatio ?? 0) - (a.usedRatio ?? 0))[0]
  const disk = fullest ? `\ndisks: fullest is broker ${fullest.broker}'s ${fullest.dir} at ${((fullest.usedRatio ?? 0) * 100).toFixed(1)}% (${disks.length} log directories)` : ''
  const soonest = report.certificates.filter(c => c.notAfter).sort((a, b) => Date.parse(a.notAfter as string) - Date.parse(b.notAfter as string))[0]
  const certificate = soonest ? `\ncertificates: ${report.certificates.length} TLS listeners; the first to expire is broker ${soonest.broker}'s ${soonest.listener}, on ${soonest.notAfter}` : ''
  const issues = [...report.problems, ...report.warnings.map(w => ({ ...w, kind: `warning: ${w.kind}` }))]
  if (issues.length === 0) return head + imbalance + disk + certificate
  const rows = [['PROBLEM', 'TOPIC', 'PARTITION', 'DETAIL'], ...issues.map(p => [p.kind, p.topic ?? '-', p.partition === undefined ? '-' : String(p.partition), p.detail])]
  return `${head}${imbalance}${disk}${certificate}\n\n${table(rows)}`
}

export function healthCommand (): Command {
  return withCommonOptions(new Command('health'), ['json', 'dir', 'brokers'])
    .description('ensure the cluster is healthy: brokers registered, quorum caught up, no offline, under-min-ISR or under-replicated partitions')
    .addOption(durationOption('--quorum-lag <duration>', 'a controller whose last catch-up is older than this is lagging (default 5s)'))
    .addOption(durationOption('--quorum-lag-ms <ms>', 'the same in milliseconds (deprecated: use --quorum-lag)', undefined, 'ms').hideHelp())
    .addHelpText('after', `
Also checked: each broker's log directories (warn at 80% full, fail at 90%) and the certificate of
every TLS listener the brokers advertise (warn 30 days before it expires, fail at 7). Warnings are
printed but do not fail the check.

Examples:
  tackle health
  tackle health --json --brokers kafka1:9092 | jq .problems

Exit codes: 0 healthy, 1 unhealthy (each problem names its topic and partition), 2 cannot reach the cluster.`)
    .action(async (flags: HealthFlags) => {
      const context = await commandContext(flags)
      const { admin, expectedBrokers } = await context.admin()
      try {
        const quorumLagMs = flags.quorumLag ?? flags.quorumLagMs
        const report = await checkHealth(admin, { expectedBrokers, ...(quorumLagMs ? { quorumLagMs } : {}) })
        if (flags.json) printJson(report)
        else process.stdout.write(healthText(report) + '\n')
        process.exitCode = report.healthy ? ExitCodes.OK : ExitCodes.FAILED
      } finally {
        await admin.close()
      }
    })
}
