import { Command, InvalidArgumentError } from 'commander'
import { TopicReader } from '@tackle/client'
import { deleteGroup, describeGroup, describeTarget, listGroups, resetOffsets, type GroupReport, type OffsetResetPlan, type ResetTarget, type TopicSelection } from '@tackle/ops'
import { withCommonOptions } from '../common-options.ts'
import { confirm } from '../confirm.ts'
import { withAdmin, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson, table } from '../output.ts'
import { formatDuration } from '../progress.ts'

interface ResetFlags extends CommonFlags {
  to: string[]
  topic?: TopicSelection[]
  dryRun?: boolean
  yes?: boolean
}

const WHOLE = /^\d+$/

/** `--to earliest|latest|datetime ISO|offset N|shift ±N` */
export function parseResetTarget (words: readonly string[]): ResetTarget {
  const [kind, value, ...rest] = words
  const needs = (what: string) => new CliError(CliErrorCodes.USAGE, `--to ${kind} needs ${what}`)
  if (rest.length > 0) throw new CliError(CliErrorCodes.USAGE, `--to takes one target, got "${words.join(' ')}"`)
  if (kind === 'earliest' || kind === 'latest') {
    if (value !== undefined) throw new CliError(CliErrorCodes.USAGE, `--to ${kind} takes no value, got "${value}"`)
    return { to: kind }
  }
  if (kind === 'datetime') {
    const ms = value === undefined ? Number.NaN : Date.parse(value)
    if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw needs('an ISO date-time such as 2026-11-30T12:00:00Z')
    return { to: 'datetime', timestampMs: ms }
  }
  if (kind === 'offset') {
    if (!value || !WHOLE.test(value)) throw needs('a whole number offset')
    return { to: 'offset', offset: BigInt(value) }
  }
  if (kind === 'shift') {
    if (!value || !/^[+-]?\d+$/.test(value)) throw needs('a whole number, such as -100 or +50')
    return { to: 'shift', by: BigInt(value) }
  }
  throw new CliError(CliErrorCodes.USAGE, `--to must be one of earliest, latest, datetime ISO, offset N, shift ±N; got "${kind ?? ''}"`)
}

/** `--topic T` or `--topic T:0,2` */
export function parseTopicSelection (value: string, previous: TopicSelection[] = []): TopicSelection[] {
  const match = /^([a-zA-Z0-9._-]+)(?::(\d+(?:,\d+)*))?$/.exec(value)
  if (!match) throw new InvalidArgumentError('give TOPIC or TOPIC:PARTITION,PARTITION')
  return [...previous, { topic: match[1] as string, ...(match[2] ? { partitions: match[2].split(',').map(Number) } : {}) }]
}

function reportText (report: GroupReport): string {
  const head = `group ${report.group}: ${report.state} (${report.type}), coordinator ${report.coordinator}, ${report.members.length} members, lag ${report.lagRecords} records${report.lagMs ? ` / ${formatDuration(report.lagMs)}` : ''}, status ${report.status}`
  const members = report.members.length === 0 ? '' : '\n\n' + table([['MEMBER', 'CLIENT', 'HOST', 'ASSIGNED'], ...report.members.map(m => [m.id, m.clientId, m.host, m.assignment.map(a => `${a.topic}-${a.partition}`).join(',') || '-'])])
  const partitions = report.partitions.length === 0 ? '\n\nno committed offsets' : '\n\n' + table([['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'LAG TIME', 'STATUS', 'MEMBER'], ...report.partitions.map(p => [
    p.topic, String(p.partition), p.committed === null ? '-' : String(p.committed), String(p.end), p.lagRecords === null ? '-' : String(p.lagRecords),
    p.lagMs === null ? '-' : p.lagMs === 0 ? '-' : formatDuration(p.lagMs), p.status, p.member ?? '-',
  ])])
  return head + members + partitions
}

function planText (plan: OffsetResetPlan): string {
  const rows = [['TOPIC', 'PARTITION', 'CURRENT', 'NEW', 'LOG', 'LAG AFTER'], ...plan.partitions.map(r => [r.topic, String(r.partition), r.current === null ? '-' : String(r.current), String(r.target), `${r.earliest}..${r.latest}`, String(r.lagAfter)])]
  const verdict = plan.applied ? `group ${plan.group}: ${plan.partitions.length} partitions reset to ${describeTarget(plan.target)}; read back` : `group ${plan.group}: would reset ${plan.partitions.length} partitions to ${describeTarget(plan.target)} (dry run; nothing changed)`
  return `${table(rows)}\n${verdict}`
}

export function groupCommand (): Command {
  const list = withCommonOptions(new Command('list'), ['json', 'dir', 'brokers'])
    .description('every consumer group with its state, members, lag and status')
    .addHelpText('after', '\nExample: tackle group list --json\n\nExit codes: 0 listed, 2 cannot reach the cluster.')
    .action(async (flags: CommonFlags) => withAdmin(flags, async admin => {
      const groups = await listGroups(admin)
      if (flags.json) printJson({ groups })
      else process.stdout.write((groups.length === 0 ? 'no consumer groups' : table([['GROUP', 'STATE', 'TYPE', 'MEMBERS', 'LAG', 'STATUS'], ...groups.map(g => [g.group, g.state, g.type, String(g.members), String(g.lagRecords), g.status])])) + '\n')
    }))
  const describe = withCommonOptions(new Command('describe'), ['json', 'dir', 'brokers'])
    .description('one group: members and their partitions, committed offsets, lag in records and time, status')
    .argument('<group>', 'the consumer group id')
    .addHelpText('after', `
Lag time is the age of the oldest record the group has not consumed, read from the log. The
status is the lag monitor's (tackle lag) for one look.

Example: tackle group describe tackle-store

Exit codes: 0 the group is OK, 1 it is not (or does not exist), 2 cannot reach the cluster.`)
    .action(async (group: string, flags: CommonFlags) => withAdmin(flags, async (admin, context, bootstrap) => {
      const reader = new TopicReader({ bootstrapBrokers: bootstrap, security: context.security(), clientId: 'tackle-cli' })
      try {
        const report = await describeGroup(admin, reader, group)
        if (flags.json) printJson(report)
        else process.stdout.write(reportText(report) + '\n')
        process.exitCode = report.status === 'OK' ? ExitCodes.OK : ExitCodes.FAILED
      } finally {
        await reader.close()
      }
    }))
  const reset = withCommonOptions(new Command('reset-offsets'), ['json', 'dir', 'brokers'])
    .description('move a group\'s committed offsets: to the start or end of the log, a time, an offset, or by a shift')
    .argument('<group>', 'the consumer group id (its consumers must be stopped)')
    .requiredOption('--to <target...>', 'earliest | latest | datetime ISO | offset N | shift ±N')
    .option('--topic <topic[:partitions]>', 'only this topic, or these partitions of it (repeatable; default: every partition the group committed on)', parseTopicSelection)
    .option('--dry-run', 'print the plan; change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', `
The plan comes first: per partition the current and new offset, the log's range and the lag after.
Refused while the group has active members (named), as Kafka's own tool refuses, and for an offset
or shift outside the log (the valid range is printed). Applied with one OffsetCommit, then read back.

Examples:
  tackle group reset-offsets tackle-store --to datetime 2026-11-30T12:00:00Z --dry-run
  tackle group reset-offsets tackle-store --to shift -100 --topic tackle.events:0,1 --yes

Exit codes: 0 reset (or planned with --dry-run), 1 refused or failed, 2 cannot reach the cluster, 64 bad usage.`)
    .action(async (group: string, flags: ResetFlags) => {
      const target = parseResetTarget(flags.to)
      await withAdmin(flags, async admin => {
        const input = { admin, group, target, ...(flags.topic ? { topics: flags.topic } : {}) }
        const plan = await resetOffsets({ ...input, dryRun: true })
        if (flags.dryRun) {
          if (flags.json) printJson(plan)
          else process.stdout.write(planText(plan) + '\n')
          return
        }
        if (!flags.yes) {
          process.stderr.write(planText(plan) + '\n')
          await confirm(`Reset ${plan.partitions.length} partitions of group ${group}?`, 'reset-offsets')
        }
        const applied = await resetOffsets(input)
        if (flags.json) printJson(applied)
        else process.stdout.write(planText(applied) + '\n')
      })
    })
  const remove = withCommonOptions(new Command('delete'), ['json', 'dir', 'brokers'])
    .description('delete a consumer group and its committed offsets (its consumers must be stopped)')
    .argument('<group>', 'the consumer group id')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExample: tackle group delete old-reporting --yes\n\nExit codes: 0 deleted, 1 refused (active members, no such group), 2 cannot reach the cluster.')
    .action(async (group: string, flags: CommonFlags & { yes?: boolean }) => withAdmin(flags, async admin => {
      if (!flags.yes) await confirm(`Delete group ${group} and its committed offsets?`, 'group delete')
      await deleteGroup(admin, group)
      if (flags.json) printJson({ deleted: group })
      else process.stdout.write(`group ${group} deleted\n`)
    }))
  return new Command('group')
    .description('consumer groups: list, describe, reset offsets, delete')
    .addHelpText('after', '\nExample:\n  tackle group describe revenue\n\nExit codes: as each command says in its --help.')
    .addCommand(list)
    .addCommand(describe)
    .addCommand(reset)
    .addCommand(remove)
}
