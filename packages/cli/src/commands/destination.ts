import { Command } from 'commander'
import { describeTarget, listGroups, resetOffsets, type OffsetResetPlan } from '@tackle/ops'
import { destinationNames, destinationTarget, pipelineTopics } from '@tackle/pipeline'
import { withCommonOptions } from '../common-options.ts'
import { confirm } from '../confirm.ts'
import { withAdmin, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { printJson, table } from '../output.ts'
import { configuredDestinations } from '../pipeline-settings.ts'
import { parseResetTarget } from './group.ts'

// `tackle start` runs the pipeline on the default topic and group names.
const EVENTS_TOPIC = pipelineTopics().events.name

function planText (name: string, plan: OffsetResetPlan): string {
  const rows = [['PARTITION', 'NOW', 'FROM', 'EVENTS FROM THERE'], ...plan.partitions.map(r => [String(r.partition), r.current === null ? '-' : String(r.current), String(r.target), String(r.lagAfter)])]
  const total = plan.partitions.reduce((sum, r) => sum + r.lagAfter, 0n)
  const verdict = plan.applied
    ? `destination ${name}: moved to ${describeTarget(plan.target)}; ${total} events are sent again once the pipeline runs`
    : `destination ${name}: would send ${total} events again, from ${describeTarget(plan.target)} (dry run; nothing changed)`
  return `${table(rows)}\n${verdict}`
}

export function destinationCommand (): Command {
  const list = withCommonOptions(new Command('list'), ['json', 'dir', 'brokers'])
    .description('the configured destinations, with their consumer group, failure topics, lag and status')
    .addHelpText('after', '\nExample: tackle destination list --json\n\nExit codes: 0 listed, 2 cannot reach the cluster, 64 bad configuration.')
    .action(async (flags: CommonFlags) => withAdmin(flags, async (admin, context) => {
      const groups = new Map((await listGroups(admin)).map(g => [g.group, g]))
      const destinations = configuredDestinations(context.config.pipeline?.destinations).map(config => {
        const names = destinationNames(EVENTS_TOPIC, config.name)
        const group = groups.get(names.group)
        return { name: config.name, type: config.type, target: destinationTarget(config), ...names, lagRecords: group?.lagRecords ?? null, status: group?.status ?? 'NOT STARTED' }
      })
      if (flags.json) printJson({ destinations })
      else process.stdout.write((destinations.length === 0 ? 'no destinations configured (pipeline.destinations in tackle.config.json)' : table([['NAME', 'TYPE', 'TARGET', 'GROUP', 'LAG', 'STATUS'], ...destinations.map(d => [d.name, d.type, d.target, d.group, d.lagRecords === null ? '-' : String(d.lagRecords), d.status])])) + '\n')
    }))
  const replay = withCommonOptions(new Command('replay'), ['json', 'dir', 'brokers'])
    .description('send a destination every event again from a point in time: moves its consumer group back on the events topic')
    .argument('<name>', 'the destination, as pipeline.destinations names it')
    .requiredOption('--from <datetime>', 'ISO date-time: events that reached Kafka at or after it are sent again')
    .option('--dry-run', 'print how many events would be sent again; change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', `
Only this destination's group moves: the store and the other destinations are untouched. Kafka
refuses to move a group with active members, so stop the pipeline that runs the destination first
(Ctrl-C on tackle start), replay, then start it again; the events are sent as it catches up.
Events older than the topic's retention are gone from Kafka and cannot be replayed.
The webhook's X-Tackle-Batch-Id and the event message ids let a receiver drop what it already has;
the files destination keeps one row per event whatever is replayed.

Examples:
  tackle destination replay warehouse --from 2026-12-01T00:00:00Z --dry-run
  tackle destination replay crm-webhook --from 2026-12-02T09:30:00Z --yes

Exit codes: 0 replayed (or planned with --dry-run), 1 refused (active members), 2 cannot reach the cluster, 64 bad usage.`)
    .action(async (name: string, flags: CommonFlags & { from: string, dryRun?: boolean, yes?: boolean }) => {
      const target = parseResetTarget(['datetime', flags.from])
      await withAdmin(flags, async (admin, context) => {
        const configured = configuredDestinations(context.config.pipeline?.destinations)
        const { group } = destinationNames(EVENTS_TOPIC, name)
        if (!configured.some(d => d.name === name) && !(await admin.groups()).some(g => g.id === group)) {
          throw new CliError(CliErrorCodes.USAGE, `no destination ${name}: ${configured.length === 0 ? 'none is configured (pipeline.destinations)' : `configured are ${configured.map(d => d.name).join(', ')}`}`)
        }
        const input = { admin, group, target, topics: [{ topic: EVENTS_TOPIC }] }
        const plan = await resetOffsets({ ...input, dryRun: true })
        if (flags.dryRun) {
          if (flags.json) printJson(plan)
          else process.stdout.write(planText(name, plan) + '\n')
          return
        }
        if (!flags.yes) {
          process.stderr.write(planText(name, plan) + '\n')
          await confirm(`Send destination ${name} these events again?`, 'destination replay')
        }
        const applied = await resetOffsets(input)
        if (flags.json) printJson(applied)
        else process.stdout.write(planText(name, applied) + '\n')
      })
    })
  return new Command('destination')
    .description('destinations (webhooks, Parquet files): list them, replay events to one')
    .addHelpText('after', '\nExample:\n  tackle destination replay warehouse --from 2026-12-01T00:00:00Z\n\nExit codes: as each command says in its --help.')
    .addCommand(list)
    .addCommand(replay)
}
