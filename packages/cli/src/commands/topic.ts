import { Command, InvalidArgumentError } from 'commander'
import { TopicReader } from '@tackle/client'
import { createTopic, deleteTopic, describeTopics, tailTopic, type TailStart, type TopicMessage, type TopicReport } from '@tackle/ops'
import { interruptSignal, parseDuration, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { confirm } from '../confirm.ts'
import { withAdmin, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { printJson, table } from '../output.ts'
import { formatBytes, formatDuration } from '../progress.ts'

interface CreateFlags extends CommonFlags {
  partitions?: number
  replicationFactor?: number
  minIsr?: number
  retention?: number
  configEntry?: Record<string, string>
  allowWeak?: boolean
}

interface TailFlags extends CommonFlags {
  from: string[]
  partition?: number
  follow?: boolean
  limit?: number
  filter?: string
  format: 'json' | 'text'
}

function parseConfigEntry (value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([a-z0-9._-]+)=(.*)$/.exec(value)
  if (!match) throw new InvalidArgumentError('give KEY=VALUE, such as cleanup.policy=compact')
  return { ...previous, [match[1] as string]: match[2] as string }
}

/** `--from earliest|latest|offset N|datetime ISO` */
export function parseTailStart (words: readonly string[]): TailStart {
  const [kind, value] = words
  if (words.length === 1 && (kind === 'earliest' || kind === 'latest')) return kind
  if (words.length === 2 && kind === 'offset' && /^\d+$/.test(value ?? '')) return { offset: BigInt(value as string) }
  if (words.length === 2 && kind === 'datetime' && /^\d{4}-\d{2}-\d{2}/.test(value ?? '') && !Number.isNaN(Date.parse(value as string))) return { timestampMs: Date.parse(value as string) }
  throw new CliError(CliErrorCodes.USAGE, `--from must be earliest, latest, offset N or datetime ISO; got "${words.join(' ')}"`)
}

/** Retention as people set it: 7d, 12h, else the exact duration. */
export function formatRetention (ms: number | null): string {
  if (ms === null) return 'forever'
  if (ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  return formatDuration(ms)
}

function topicsText (topics: readonly TopicReport[]): string {
  if (topics.length === 0) return 'no topics'
  return table([['TOPIC', 'PARTITIONS', 'RF', 'MIN ISR', 'UNDER-REPL', 'MESSAGES', 'SIZE', 'RETENTION', 'CLEANUP'], ...topics.map(t => [
    t.topic, String(t.partitions.length), String(t.replicationFactor), String(t.minInsyncReplicas), String(t.underReplicated), String(t.messages), formatBytes(t.sizeBytes),
    formatRetention(t.retentionMs), t.cleanupPolicy,
  ])])
}

function topicText (t: TopicReport): string {
  const configs = Object.entries(t.configs).map(([k, v]) => `${k}=${v}`).join(', ') || 'none (all defaults)'
  return `${topicsText([t])}\nset on the topic: ${configs}\n\n${table([['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'SIZE'], ...t.partitions.map(p => [
    String(p.partition), String(p.leader), p.replicas.join(','), p.isr.join(','), p.earliest, p.latest, formatBytes(p.sizeBytes),
  ])])}`
}

export function messageText (m: TopicMessage): string {
  const show = (v: TopicMessage['value']) => v.encoding === 'json' ? JSON.stringify(v.data, null, 2) : v.encoding === 'null' ? 'null' : v.encoding === 'base64' ? `base64:${String(v.data)}` : String(v.data)
  const headers = Object.entries(m.headers).map(([k, v]) => `${k}=${v}`).join(' ')
  return `--- partition ${m.partition} offset ${m.offset} at ${m.timestamp}${m.key.encoding === 'null' ? '' : ` key ${show(m.key)}`}${headers ? `\nheaders: ${headers}` : ''}\n${show(m.value)}`
}

export function topicCommand (): Command {
  const list = withCommonOptions(new Command('list'), ['json', 'dir', 'brokers'])
    .description('every topic: partitions, replication, messages, size on disk, retention')
    .addHelpText('after', '\nExample: tackle topic list\n\nExit codes: 0 listed, 2 cannot reach the cluster.')
    .action(async (flags: CommonFlags) => withAdmin(flags, async admin => {
      const topics = await describeTopics(admin)
      if (flags.json) printJson({ topics })
      else process.stdout.write(topicsText(topics) + '\n')
    }))
  const describe = withCommonOptions(new Command('describe'), ['json', 'dir', 'brokers'])
    .description('one topic: each partition\'s leader, replicas, ISR, offsets and size, and the configs set on it')
    .argument('<topic>')
    .addHelpText('after', '\nExample: tackle topic describe tackle.events\n\nExit codes: 0 described, 1 no such topic, 2 cannot reach the cluster.')
    .action(async (name: string, flags: CommonFlags) => withAdmin(flags, async admin => {
      const [topic] = await describeTopics(admin, [name])
      if (flags.json) printJson(topic)
      else process.stdout.write(topicText(topic as TopicReport) + '\n')
    }))
  const create = withCommonOptions(new Command('create'), ['json', 'dir', 'brokers'])
    .description('create a topic with safe settings: replication factor 3, min.insync.replicas 2, no unclean election')
    .argument('<topic>')
    .option('--partitions <n>', 'partitions (default: 6)', parseWholeNumber('--partitions', 1, 100_000))
    .option('--replication-factor <n>', 'replicas per partition (default: 3, or the brokers there are)', parseWholeNumber('--replication-factor', 1, 100))
    .option('--min-isr <n>', 'min.insync.replicas (default: 2)', parseWholeNumber('--min-isr', 1, 100))
    .option('--retention <duration>', 'how long records are kept (retention.ms), such as 7d or 12h', (v: string) => parseDuration(v))
    .option('--config-entry <key=value>', 'any other topic config (repeatable)', parseConfigEntry)
    .option('--allow-weak', 'create it even if weaker than the safe settings (a warning is printed)')
    .addHelpText('after', '\nExample: tackle topic create orders --partitions 12 --retention 7d\n\nExit codes: 0 created, 1 failed, 2 cannot reach the cluster, 64 weaker than safe without --allow-weak, or bad usage.')
    .action(async (name: string, flags: CreateFlags) => withAdmin(flags, async admin => {
      const created = await createTopic(admin, {
        name, partitions: flags.partitions, replicationFactor: flags.replicationFactor, minInsyncReplicas: flags.minIsr, allowWeak: flags.allowWeak,
        configs: { ...flags.configEntry, ...(flags.retention === undefined ? {} : { 'retention.ms': String(flags.retention) }) },
      })
      for (const w of created.weaknesses) process.stderr.write(`tackle: warning: topic ${name}: ${w.problem} (safe: ${w.setting}=${w.wanted})\n`)
      if (flags.json) printJson(created)
      else process.stdout.write(`topic ${name} created: ${created.partitions} partitions, replication factor ${created.replicationFactor}, min.insync.replicas ${created.configs['min.insync.replicas']}\n`)
    }))
  const remove = withCommonOptions(new Command('delete'), ['json', 'dir', 'brokers'])
    .description('delete a topic and every record in it (refused while a consumer group with members reads it)')
    .argument('<topic>')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExample: tackle topic delete scratch --yes\n\nExit codes: 0 deleted, 1 refused or no such topic, 2 cannot reach the cluster, 64 not confirmed.')
    .action(async (name: string, flags: CommonFlags & { yes?: boolean }) => withAdmin(flags, async admin => {
      if (!flags.yes) await confirm(`Delete topic ${name} and every record in it?`, 'topic delete')
      await deleteTopic(admin, name)
      if (flags.json) printJson({ deleted: name })
      else process.stdout.write(`topic ${name} deleted\n`)
    }))
  const tail = withCommonOptions(new Command('tail'), ['dir', 'brokers'])
    .description('print a topic\'s messages: key, value, headers, partition, offset, timestamp; never joins a group or commits')
    .argument('<topic>')
    .option('--from <start...>', 'earliest | latest | offset N | datetime ISO', ['earliest'])
    .option('--partition <n>', 'only this partition', parseWholeNumber('--partition', 0, 1_000_000))
    .option('-f, --follow', 'keep printing new messages as they arrive (Ctrl-C to stop)')
    .option('--limit <n>', 'stop after this many messages (those the filter lets through)', parseWholeNumber('--limit', 0, Number.MAX_SAFE_INTEGER))
    .option('--filter <expr>', 'a JSONPath ($.properties.plan, $[?(@.event == \'signup\')]) or field OP value (event == signup, properties.amount > 10)')
    .option('--format <format>', 'json: one object per line; text: for reading', (v: string) => {
      if (v !== 'json' && v !== 'text') throw new InvalidArgumentError('--format must be json or text')
      return v
    }, 'text')
    .addHelpText('after', `
Values are JSON where they parse as JSON, text where they are UTF-8, and base64 otherwise. The
filter runs on the decoded value as messages stream.

Examples:
  tackle topic tail tackle.events --from datetime 2026-11-30T12:00:00Z --filter "event == signup" --limit 20
  tackle topic tail tackle.events --from latest --follow --format json

Exit codes: 0 done, 1 no such topic, 2 cannot reach the cluster, 64 bad usage, 130 interrupted.`)
    .action(async (topic: string, flags: TailFlags) => {
      const from = parseTailStart(flags.from)
      await withAdmin(flags, async (admin, context, bootstrap) => {
        const reader = new TopicReader({ bootstrapBrokers: bootstrap, security: context.security(), clientId: 'tackle-cli' })
        try {
          for await (const message of tailTopic({ admin, reader, topic, from, partition: flags.partition, follow: flags.follow, limit: flags.limit, filter: flags.filter, signal: interruptSignal() })) {
            process.stdout.write((flags.format === 'json' ? JSON.stringify(message) : messageText(message)) + '\n')
          }
        } finally {
          await reader.close()
        }
      })
    })
  return new Command('topic')
    .description('topics: list, describe, create (safe defaults), delete, and tail their messages')
    .addHelpText('after', '\nExample:\n  tackle topic tail tackle.events --from latest --follow\n\nExit codes: as each command says in its --help.')
    .addCommand(list)
    .addCommand(describe)
    .addCommand(create)
    .addCommand(remove)
    .addCommand(tail)
}
