import { Command } from 'commander'
import { withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { printJson } from '../output.ts'
import { bringUp, UP_OPTIONS } from './kafka-up.ts'

export function startCommand (): Command {
  return withCommonOptions(new Command('start'), [...UP_OPTIONS, 'brokers'])
    .description('run Tackle on the embedded defaults: for now, the local 3-node Kafka cluster (skipped when brokers are configured)')
    .action(async (flags: CommonFlags) => {
      const context = await commandContext(flags)
      const configured = flags.brokers ?? context.env.KAFKA_BROKERS ?? context.config.brokers
      if (configured === undefined) return bringUp(flags)
      const brokers = await context.brokers()
      if (flags.json) printJson({ bootstrap: brokers.bootstrap, source: brokers.source })
      else process.stdout.write(`using the Kafka cluster at ${brokers.bootstrap} (from ${brokers.source}); no local cluster started\n`)
    })
}
