import { Command } from 'commander'
import { pipelineTopics, REPLAYABLE_STEPS, replayFailedEvents, type FailedEvent } from '@tackle/pipeline'
import { withCommonOptions } from '../common-options.ts'
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
  events.addCommand(withCommonOptions(new Command('replay'), ['json', 'brokers'])
    .description('re-drive failed events (tracking-plan, processing and store refusals) into the events topic; messageIds are kept, so the store keeps each once however often this runs')
    .option('--from-beginning', 'replay every failed event again, not only those since the last replay')
    .option('--step <step...>', `only failures of these steps: ${REPLAYABLE_STEPS.join(', ')} (default all)`)
    .option('--timeout <seconds>', 'give up when not caught up by then', (v: string) => Number(v), 120)
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
          timeoutMs: flags.timeout * 1000,
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
