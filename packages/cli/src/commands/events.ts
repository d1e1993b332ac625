import { Command } from 'commander'
import { pipelineTopics, REPLAYABLE_STEPS, replayFailedEvents, type FailedEvent } from '@tackle/pipeline'
import { durationOption, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { printJson } from '../output.ts'
import { Progress } from '../progress.ts'

interface ReplayFlags extends CommonFlags {
  fromBeginning?: boolean
  step?: Array<FailedEvent['step']>
  timeout: number
}

export function eventsCommand (): Command {
  const events = new Command('events').description('the pipeline\'s events: replay failed ones')
    .addHelpText('after', '\nExample:\n  tackle events replay\n\nExit codes: as each command says in its --help.')
  events.addCommand(withCommonOptions(new Command('replay'), ['json', 'brokers'])
    .description('re-drive failed events (tracking-plan, processing and store refusals) into the events topic; messageIds are kept, so the store keeps each once however often this runs')
    .option('--from-beginning', 'replay every failed event again, not only those since the last replay')
    .option('--step <step...>', `only failures of these steps: ${REPLAYABLE_STEPS.join(', ')} (default all)`)
    .addOption(durationOption('--timeout <duration>', 'give up when not caught up by then (a plain number is seconds)', 120_000, 's'))
    .addHelpText('after', `
Examples:
  tackle events replay --step validate      # after fixing the tracking plan
  tackle events replay --from-beginning --json

Exit codes: 0 replayed, 1 failed (or not caught up by --timeout), 2 cannot reach the cluster, 64 bad usage.`)
    .action(async (flags: ReplayFlags) => {
      for (const step of flags.step ?? []) if (!REPLAYABLE_STEPS.includes(step)) throw new CliError(CliErrorCodes.USAGE, `--step must be one of ${REPLAYABLE_STEPS.join(', ')}, got "${step}"`)
      const context = await commandContext(flags)
      const brokers = await context.brokers()
      const progress = new Progress()
      let result
      try {
        result = await replayFailedEvents({
          bootstrapBrokers: brokers.bootstrap.split(','),
          security: context.security(),
          topics: pipelineTopics(),
          steps: flags.step,
          fromBeginning: flags.fromBeginning,
          timeoutMs: flags.timeout,
          onProgress: p => progress.update(`replayed ${p.replayed} of ${p.read} failed events read`),
        })
      } finally {
        progress.done()
      }
      if (flags.json) printJson(result)
      else process.stdout.write(`replayed ${result.replayed} failed events (${result.skipped} skipped: rejected at collection, or another step); ${result.read} read\n`)
    }))
  return events
}
