import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { auditCommand } from './commands/audit.ts'
import { brokerCommand } from './commands/broker.ts'
import { eventsCommand } from './commands/events.ts'
import { queryCommand } from './commands/query.ts'
import { exporterCommand } from './commands/exporter.ts'
import { groupCommand } from './commands/group.ts'
import { destinationCommand } from './commands/destination.ts'
import { healthCommand } from './commands/health.ts'
import { kafkaCommand } from './commands/kafka.ts'
import { lagCommand } from './commands/lag.ts'
import { rebalanceCommand } from './commands/rebalance.ts'
import { rollCommand } from './commands/roll.ts'
import { startCommand } from './commands/start.ts'
import { topicCommand } from './commands/topic.ts'
import { verifyCommand } from './commands/verify.ts'
import { commandPath } from './command-path.ts'
import { CliErrorCodes, cliErrorFixes } from './errors.ts'
import { ExitCodes } from './exit-codes.ts'
import { errorJson, normalizeError, renderError, exitCodeOf } from './render-error.ts'
import { printJson } from './output.ts'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

export function program (): Command {
  const root = new Command('tackle')
    .description('Run a product-analytics event pipeline on Apache Kafka without losing data or sleep.')
    .version(version)
    .enablePositionalOptions()
    .addHelpText('after', `
Examples:
  tackle start                     # the whole pipeline on a local Kafka
  tackle health --brokers kafka1:9092
  tackle <command> --help          # each command's flags, examples and exit codes

Exit codes: 0 ok, 1 failed or unhealthy, 2 no cluster reachable, 64 bad usage or config, 130 interrupted.
Configuration: flags, then environment (KAFKA_BROKERS, TACKLE_*), then tackle.config.json.`)
    .addCommand(startCommand())
    .addCommand(kafkaCommand())
    .addCommand(healthCommand())
    .addCommand(rollCommand())
    .addCommand(brokerCommand())
    .addCommand(rebalanceCommand())
    .addCommand(topicCommand())
    .addCommand(groupCommand())
    .addCommand(destinationCommand())
    .addCommand(auditCommand())
    .addCommand(lagCommand())
    .addCommand(exporterCommand())
    .addCommand(eventsCommand())
    .addCommand(queryCommand())
    .addCommand(verifyCommand())
  applyRecursively(root, c => c.exitOverride().showHelpAfterError('(run with --help for usage)'))
  return root
}

function applyRecursively (command: Command, apply: (c: Command) => void): void {
  apply(command)
  for (const sub of command.commands) applyRecursively(sub, apply)
}

/** The command being run, for errors to say what was going on. */
let running = 'tackle'

export async function main (argv: readonly string[]): Promise<number> {
  // Bare `tackle` is asking what there is: the help, on stdout, and no error.
  if (argv.length === 0) {
    program().outputHelp()
    return ExitCodes.OK
  }
  try {
    await program().hook('preAction', (_root, action) => { running = commandPath(action) }).parseAsync(argv, { from: 'user' })
    return Number(process.exitCode ?? ExitCodes.OK)
  } catch (error) {
    const json = argv.includes('--json')
    if (error instanceof CommanderError) {
      // Commander has printed help, the version, or the usage error already.
      if (error.exitCode === 0) return ExitCodes.OK
      if (json) printJson({ error: { code: CliErrorCodes.USAGE, message: error.message.replace(/^error: /, ''), fix: cliErrorFixes[CliErrorCodes.USAGE] } })
      return ExitCodes.USAGE
    }
    const coded = normalizeError(error, `\`${running}\``)
    process.stderr.write(renderError(coded, argv.includes('--verbose') || argv.includes('-v')))
    if (json) printJson(errorJson(coded))
    return exitCodeOf(coded)
  }
}

if (import.meta.main) {
  // `tackle ... | head` closes the pipe early; that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
      throw error
    })
  }
  process.exitCode = await main(process.argv.slice(2))
}
