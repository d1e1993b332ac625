import { join } from 'node:path'
import { Command } from 'commander'
import { cancelReassignment, decommissionBroker, defaultReassignOptions, readReassignState, replaceBroker, unregisterBroker, verifyReassignment, type PlanOnly, type UnregisterOutcome, type ReassignInput, type ReassignProgress, type ReassignResult } from '@tackle/ops'
import { byteRateOption, durationOption, interruptSignal, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { defaultStateDir } from '../config.ts'
import { commandContext, withAdmin, type CommandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson, table } from '../output.ts'
import { formatBytes, formatDuration, Progress } from '../progress.ts'

export interface ReassignFlags extends CommonFlags {
  dryRun?: boolean
  throttle: number
  maxMoves: number
  additional?: boolean
  verify?: boolean
  cancel?: boolean
  deadline: number
  state?: string
}

const brokerId = parseWholeNumber('broker id', 0, 2 ** 31 - 1)

export function withReassignOptions (command: Command): Command {
  return withCommonOptions(command, ['json', 'dir', 'brokers'])
    .option('--dry-run', 'print the moves; change nothing')
    .addOption(byteRateOption('--throttle <rate>', 'replication throttle on the brokers and replicas involved (50MiB/s, 10MB/s)', defaultReassignOptions.throttleBytesPerSec))
    .option('--max-moves <n>', 'concurrent partition moves per broker', parseWholeNumber('--max-moves', 1, 1000), defaultReassignOptions.maxMovesPerBroker)
    .option('--additional', 'run beside a reassignment Tackle did not start')
    .option('--verify', 'report how far it is; once done, remove the throttles')
    .option('--cancel', 'stop the moves under way (they go back to their original replicas) and remove the throttles')
    .addOption(durationOption('--deadline <duration>', 'stop waiting after this long (the moves go on, throttled)', defaultReassignOptions.deadlineMs))
    .option('--state <file>', 'where progress is kept, so a rerun resumes (default: reassignment.json in the state directory)')
    .addHelpText('after', `
Moves are throttled (leader and follower throttles on the involved brokers and replicas only), at
most --max-moves per broker at a time. New moves wait while any partition sits at min ISR; the run
stops if one falls below it, or if a destination broker goes down. At the end every throttle is
removed and read back with describe configs. Kill it at any time and rerun: it resumes.

Exit codes: 0 done (--verify: done and cleaned up), 1 stopped or refused, or --verify found it
still running, 2 cannot reach the cluster, 64 bad usage.`)
}

function stateFileFor (context: CommandContext, flags: ReassignFlags, local: boolean): string {
  return flags.state ?? (local ? join(context.cluster.dir, 'reassignment.json') : join(defaultStateDir(context.env), 'reassignment.json'))
}

function describe (event: ReassignProgress): string {
  if (event.phase === 'resume') return `resuming: ${event.done} of ${event.total} moves done`
  if (event.phase === 'throttle') return `throttling brokers ${event.brokers.join(', ')} at ${formatBytes(event.bytesPerSec)}/s`
  if (event.phase === 'cleanup') return 'removing throttles'
  return `moved ${event.done}/${event.total} partitions, ${event.inFlight} under way${event.paused ? `; paused: ${event.paused}` : ''}`
}

export function movesText (plan: PlanOnly): string {
  if (plan.moves.length === 0) return `${plan.purpose}: nothing to move`
  return `${plan.purpose}: ${plan.moves.length} partitions\n${table([['TOPIC', 'PARTITION', 'FROM', 'TO'], ...plan.moves.map(m => [m.topic, String(m.partition), m.from.join(','), m.to.join(',')])])}`
}

export async function runReassignment<R extends ReassignResult> (purpose: string, flags: ReassignFlags, start: (input: ReassignInput & { dryRun: boolean }) => Promise<R | PlanOnly>, texts: { plan?: (plan: PlanOnly) => string, done?: (result: R) => string, beforeStart?: (input: ReassignInput) => Promise<void> } = {}): Promise<void> {
  if (flags.verify && flags.cancel) throw new CliError(CliErrorCodes.USAGE, 'give --verify or --cancel, not both')
  const context = await commandContext(flags)
  const { admin, brokers } = await context.admin()
  const stateFile = stateFileFor(context, flags, brokers.source === 'local')
  const progress = new Progress({ enabled: !flags.dryRun && !flags.verify && !flags.cancel })
  const input: ReassignInput = {
    admin, stateFile, throttleBytesPerSec: flags.throttle, maxMovesPerBroker: flags.maxMoves, additional: flags.additional ?? false, deadlineMs: flags.deadline, signal: interruptSignal(),
    onProgress: (event) => {
      const bytes = event.phase === 'move' && event.bytesTotal > 0 ? { done: event.bytesCopied, total: event.bytesTotal, unit: 'bytes' as const } : {}
      progress.update(describe(event), { step: event.phase, ...bytes })
    },
  }
  try {
    if (flags.verify || flags.cancel) {
      const state = await readReassignState(stateFile)
      if (state && state.purpose !== purpose) throw new CliError(CliErrorCodes.USAGE, `${stateFile} holds "${state.purpose}", not "${purpose}"`)
      if (flags.cancel) {
        const report = await cancelReassignment(input)
        if (flags.json) printJson(report)
        else process.stdout.write(`cancelled ${report.cancelled.length} moves under way; ${report.done.length} finished before stay moved; throttles removed (checked)\n`)
        return
      }
      const report = await verifyReassignment(input)
      if (flags.json) printJson(report)
      else process.stdout.write(report.complete ? `${purpose}: complete; throttles removed (checked)\n` : `${purpose}: ${report.done.length} done, ${report.inFlight.length} under way, ${report.notStarted.length} not started\n`)
      if (!report.complete) process.exitCode = ExitCodes.FAILED
      return
    }
    if (!flags.dryRun) await texts.beforeStart?.(input)
    const result = await start({ ...input, dryRun: flags.dryRun ?? false })
    progress.done()
    if (flags.json) printJson({ ...result, stateFile })
    else if ('dryRun' in result) process.stdout.write((texts.plan ?? movesText)(result) + '\n')
    else process.stdout.write(`${result.purpose}: ${result.moves.length} partitions moved, ${formatBytes(result.bytesCopied)} copied in ${formatDuration(result.durationMs)}; throttles removed (checked)${texts.done ? `\n${texts.done(result)}` : ''}\n`)
  } finally {
    progress.done()
    await admin.close()
  }
}

const unregisterText = (result: { unregister: UnregisterOutcome }) => result.unregister.unregistered ? `broker ${result.unregister.brokerId} unregistered from the cluster metadata` : `broker ${result.unregister.brokerId} left registered: ${result.unregister.reason}`

function withUnregister (command: Command): Command {
  return command
    .option('--unregister', 'unregister the emptied broker from the KRaft metadata afterwards (default: when it is not running)')
    .option('--no-unregister', 'leave it registered')
}

export function brokerCommand (): Command {
  const replace = withReassignOptions(new Command('replace'))
    .description('move every replica of broker OLD to broker NEW, each in the same position (OLD may be dead)')
    .argument('<old>', 'the broker being retired', brokerId)
    .argument('<new>', 'the broker taking its place (registered, holding none of its partitions)', brokerId)
    .addHelpText('after', '\nExamples:\n  tackle broker replace 2 4 --dry-run\n  tackle broker replace 2 4 --throttle 100MiB/s\n  tackle broker replace 2 4 --verify')
    .action(async (oldId: number, newId: number, flags: ReassignFlags & { unregister?: boolean }) => {
      await runReassignment<ReassignResult & { unregister: UnregisterOutcome }>(`replace broker ${oldId} with ${newId}`, flags, input => replaceBroker({ ...input, oldId, newId, unregister: flags.unregister }), { done: unregisterText })
    })
  const decommission = withReassignOptions(new Command('decommission'))
    .description('move every replica off a broker, spread evenly over the others (rack-aware), before removing it')
    .argument('<id>', 'the broker to empty', brokerId)
    .addHelpText('after', '\nExamples:\n  tackle broker decommission 3 --dry-run\n  tackle broker decommission 3 --max-moves 2 --deadline 2h')
    .action(async (id: number, flags: ReassignFlags & { unregister?: boolean }) => {
      await runReassignment<ReassignResult & { unregister: UnregisterOutcome }>(`decommission broker ${id}`, flags, input => decommissionBroker({ ...input, brokerId: id, unregister: flags.unregister }), { done: unregisterText })
    })
  const unregister = withCommonOptions(new Command('unregister'), ['json', 'dir', 'brokers'])
    .description('remove a broker that is gone for good from the KRaft metadata, so health and Kafka\'s tools stop listing it')
    .argument('<id>', 'the broker (stopped, holding no replicas)', brokerId)
    .addHelpText('after', '\nRefused while the broker runs (it would register again) or holds replicas (move them first).\n\nExample: tackle broker unregister 4\n\nExit codes: 0 unregistered, 1 refused, 2 cannot reach the cluster, 64 bad usage.')
    .action(async (id: number, flags: CommonFlags) => withAdmin(flags, async admin => {
      await unregisterBroker(admin, id)
      if (flags.json) printJson({ unregistered: id })
      else process.stdout.write(`broker ${id} unregistered\n`)
    }))
  return new Command('broker')
    .description('replace, decommission or unregister a broker; moves are throttled and resumable')
    .addHelpText('after', '\nExample:\n  tackle broker replace 2 4 --dry-run\n\nExit codes: as each command says in its --help.')
    .addCommand(withUnregister(replace))
    .addCommand(withUnregister(decommission))
    .addCommand(unregister)
}
