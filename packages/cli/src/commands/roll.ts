import { join } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { execDriver, localDriver, rollingRestart, type RollProgress, type RollResult } from '@tackle/ops'
import { durationOption, interruptSignal, withCommonOptions } from '../common-options.ts'
import { defaultStateDir } from '../config.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { printJson, table } from '../output.ts'
import { formatDuration, Progress } from '../progress.ts'
import { Timings } from '../timings.ts'

interface RollFlags extends CommonFlags {
  dryRun?: boolean
  driver?: 'local' | 'exec'
  exec?: string
  deadline: number
  state?: string
}

/** Where a roll keeps its progress unless --state says: with the local cluster, or in the user's state directory. */
export function defaultRollStateFile (context: { cluster: { dir: string }, env: NodeJS.ProcessEnv }, driver: 'local' | 'exec'): string {
  return driver === 'local' ? join(context.cluster.dir, 'roll.json') : join(defaultStateDir(context.env), 'roll.json')
}

function planText (result: RollResult): string {
  const rows = [['ORDER', 'BROKER', 'WHY', 'GATE', 'DETAIL'], ...result.plan.map((p, i) => [
    String(i + 1), String(p.brokerId), p.why, p.verdict.canRoll ? (p.verdict.warnings.length ? 'ok, warnings' : 'ok') : 'BLOCKED',
    [...p.verdict.blockers, ...p.verdict.warnings].map(f => f.detail).slice(0, 2).join('; ') || '-',
  ])]
  const done = result.alreadyDone.length ? `\nalready restarted by an interrupted run: ${result.alreadyDone.join(', ')}` : ''
  return table(rows) + done
}

function describe (event: RollProgress): string | undefined {
  if (event.phase === 'resume') return `resuming: brokers ${event.done.join(', ') || 'none'} done${event.restarting !== null ? `, broker ${event.restarting} was mid-restart` : ''}`
  if (event.phase === 'restart') return `broker ${event.brokerId}: restarting`
  if (event.phase === 'wait') return `broker ${event.brokerId}: waiting for ${event.condition}: ${event.detail}`
  return undefined
}

export function rollCommand (): Command {
  return withCommonOptions(new Command('roll'), ['json', 'dir', 'brokers'])
    .description('restart every broker, one at a time, each only when it is safe and after the last one caught up')
    .option('--dry-run', 'print the plan and each broker\'s gate verdict; restart nothing')
    .addOption(new Option('--driver <driver>', 'how to restart a broker (default: local for the local cluster, else exec)').choices(['local', 'exec']))
    .option('--exec <command>', 'restart command for the exec driver; {id} and {host} are replaced, e.g. \'ssh {host} sudo systemctl restart kafka\'')
    .addOption(durationOption('--deadline <duration>', 'give up after this long in all (30m, 1h, 90s)', 30 * 60_000))
    .option('--state <file>', 'where progress is kept, so a rerun resumes (default: roll.json in the state directory)')
    .addHelpText('after', `
Before each broker: every partition it hosts must keep min.insync.replicas in sync without it
(replicas <= min ISR only warns), nothing else may be under-replicated or offline, and the KRaft
quorum must keep a caught-up majority without it. After each restart it waits, with no fixed
sleep, until the broker is registered, all its replicas are in sync, its preferred leaderships are
back and the cluster is healthy. Kill it at any time and rerun: no broker is restarted twice.

Examples:
  tackle roll --dry-run
  tackle roll --exec 'ssh {host} sudo systemctl restart kafka' --deadline 2h

Exit codes: 0 rolled (or, with --dry-run, every gate passes), 1 a gate blocked, a regression or the
deadline stopped the roll, 2 cannot reach the cluster, 64 bad usage.`)
    .action(async (flags: RollFlags) => {
      const context = await commandContext(flags)
      // Usage is checked before anything connects.
      const brokers = await context.chosenBrokers()
      const driverName = flags.driver ?? (flags.exec ? 'exec' : brokers.source === 'local' ? 'local' : undefined)
      if (driverName === undefined) throw new CliError(CliErrorCodes.USAGE, 'the cluster is not the local one: give --exec \'COMMAND {id} {host}\' to say how to restart a broker')
      if (driverName === 'exec' && !flags.exec) throw new CliError(CliErrorCodes.USAGE, '--driver exec needs --exec \'COMMAND {id} {host}\'')
      if (driverName === 'local' && brokers.source !== 'local') throw new CliError(CliErrorCodes.USAGE, '--driver local restarts the local cluster\'s nodes, but the brokers given are another cluster\'s')
      const driver = driverName === 'local' ? localDriver(context.cluster) : execDriver(flags.exec as string, context.env)
      const { admin, expectedBrokers } = await context.admin()
      const stateFile = flags.state ?? defaultRollStateFile(context, driverName)
      const progress = new Progress({ enabled: !flags.dryRun })
      const timings = new Timings(context.cluster.options.cacheDir)
      const perBrokerMs = await timings.get(`roll-${driver.name}`)
      let done = 0
      const onProgress = (event: RollProgress) => {
        if (event.phase === 'restarted') {
          done = event.index
          timings.record(`roll-${driver.name}`, event.restartMs + event.catchUpMs).catch(() => undefined)
        }
        const text = describe(event)
        const total = 'total' in event ? event.total : undefined
        if (text) progress.update(text, { step: 'roll', done, total, expectedMs: perBrokerMs && total ? perBrokerMs * total : undefined })
      }
      let result: RollResult
      try {
        result = await rollingRestart({ admin, driver, stateFile, expectedBrokers, deadlineMs: flags.deadline, dryRun: flags.dryRun ?? false, onProgress, signal: interruptSignal() })
      } finally {
        progress.done()
        await admin.close()
      }
      if (flags.json) {
        printJson({ ...result, stateFile, driver: driver.name })
      } else if (result.dryRun) {
        process.stdout.write(`Plan (${driver.name} driver):\n${planText(result)}\n`)
      } else {
        const rows = [['BROKER', 'RESTART', 'CATCH-UP'], ...result.restarted.map(r => [String(r.brokerId) + (r.resumedOnly ? ' (resumed)' : ''), formatDuration(r.restartMs), formatDuration(r.catchUpMs)])]
        process.stdout.write(`Rolled ${result.restarted.length} brokers in ${formatDuration(result.durationMs)}; the cluster is healthy.\n${table(rows)}\n`)
      }
      if (result.dryRun && result.plan.some(p => !p.verdict.canRoll)) process.exitCode = 1
    })
}
