import { join } from 'node:path'
import { Command } from 'commander'
import { auditConfig, defaultReassignOptions, fixAudit, type AuditFinding, type AuditReport } from '@tackle/ops'
import { byteRateOption, interruptSignal, withCommonOptions } from '../common-options.ts'
import { defaultStateDir } from '../config.ts'
import { confirm } from '../confirm.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson, table } from '../output.ts'
import { formatBytes, Progress } from '../progress.ts'

interface AuditFlags extends CommonFlags {
  fix?: boolean
  yes?: boolean
  topic?: string[]
  throttle: number
}

function findingsText (report: AuditReport): string {
  if (report.findings.length === 0) return `no weak settings: ${report.topicsChecked} topics and the cluster defaults checked on ${report.brokers} brokers`
  const rows = [['SCOPE', 'TOPIC', 'SETTING', 'VALUE', 'WANTED', 'FIX', 'PROBLEM'], ...report.findings.map(f => [f.scope, f.topic ?? '-', f.setting, f.value ?? '-', f.wanted, f.fix, f.problem])]
  return `${report.findings.length} weak settings (${report.topicsChecked} topics checked on ${report.brokers} brokers):\n${table(rows)}`
}

function question (findings: readonly AuditFinding[]): string {
  const raises = findings.filter(f => f.fix === 'reassign').length
  const configs = findings.filter(f => f.fix === 'config').length
  return `Apply ${configs} config changes${raises ? ` and raise the replication factor of ${raises} topics (a throttled reassignment)` : ''}?`
}

export function auditCommand (): Command {
  return withCommonOptions(new Command('audit'), ['json', 'dir', 'brokers'])
    .description('find topics and cluster defaults weaker than RF 3, min.insync.replicas 2 and no unclean leader election')
    .option('--fix', 'repair what can be repaired online: configs by incremental alter, a low RF by a throttled reassignment')
    .option('-y, --yes', 'with --fix, do not ask for confirmation')
    .option('-t, --topic <name...>', 'only these topics (the cluster defaults are always checked)')
    .addOption(byteRateOption('--throttle <rate>', 'replication throttle while raising replication factors', defaultReassignOptions.throttleBytesPerSec))
    .addHelpText('after', `
Flagged: replication factor < 3, min.insync.replicas < 2, replication factor <= min.insync.replicas
(one broker down stops writes), unclean.leader.election.enable=true, and weak cluster defaults.
On clusters of fewer than 3 brokers the bar is what they can hold. --fix raises the replication
factor before min.insync.replicas, so no topic stops taking writes on the way; settings that live
in server.properties are reported as "manual".

Examples:
  tackle audit
  tackle audit --fix --yes --throttle 50MiB/s

Exit codes: 0 nothing weak (after --fix: nothing fixable left), 1 weak settings found, 2 cannot
reach the cluster, 64 bad usage.`)
    .action(async (flags: AuditFlags) => {
      const context = await commandContext(flags)
      const { admin, brokers } = await context.admin()
      const progress = new Progress({ enabled: !flags.json })
      try {
        let report = await auditConfig({ admin, topics: flags.topic })
        const fixable = report.findings.filter(f => f.fix !== 'manual')
        if (flags.fix && fixable.length > 0) {
          if (!flags.yes) await confirm(question(fixable), '--fix')
          const stateFile = join(brokers.source === 'local' ? context.cluster.dir : defaultStateDir(context.env), 'reassignment.json')
          const fixed = await fixAudit(fixable, {
            admin, stateFile, throttleBytesPerSec: flags.throttle, signal: interruptSignal(),
            onProgress: e => e.phase === 'move' && progress.update(`raising replication factors: ${e.done}/${e.total} partitions`, e.bytesTotal > 0 ? { done: e.bytesCopied, total: e.bytesTotal, unit: 'bytes' } : {}),
          })
          progress.done()
          if (!flags.json) process.stdout.write(`fixed ${fixed.fixed.length} weak settings${fixed.reassignment ? ` (${fixed.reassignment.moves.length} partitions got new replicas, ${formatBytes(fixed.reassignment.bytesCopied)} copied)` : ''}\n`)
          report = await auditConfig({ admin, topics: flags.topic })
        }
        if (flags.json) printJson(report)
        else process.stdout.write(findingsText(report) + '\n')
        const left = flags.fix ? report.findings.filter(f => f.fix !== 'manual') : report.findings
        process.exitCode = left.length === 0 ? ExitCodes.OK : ExitCodes.FAILED
      } finally {
        progress.done()
        await admin.close()
      }
    })
}
