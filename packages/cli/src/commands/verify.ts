import { Command, InvalidArgumentError, Option } from 'commander'
import { faultNames, NETWORK_FAULTS, verify, writeReport, type VerifyProgress, type VerifyResult } from '@tackle/verify'
import { interruptSignal, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson } from '../output.ts'
import { Progress } from '../progress.ts'

interface VerifyFlags extends CommonFlags {
  faults: string[]
  episodes: number
  duration: number
  config: 'safe' | 'unsafe'
  report?: string
  seed: number
}

function parseFaults (value: string): string[] {
  const names = value.split(',').map(s => s.trim()).filter(Boolean)
  for (const name of names) {
    if (!faultNames().includes(name)) throw new InvalidArgumentError(`unknown fault "${name}"; faults: ${faultNames().join(', ')}`)
  }
  return names
}

/** The one JSON object of --json: the verdict without the raw history (that goes to --report). */
export function verifyJson (result: VerifyResult): Record<string, unknown> {
  return {
    config: result.config, faults: result.faults, episodes: result.episodes, acked: result.acked, lost: result.lost.length, duplicated: result.duplicated.length,
    reordered: result.reordered.length, inconsistent: result.inconsistent.length, abortedReads: result.abortedReads.length, skipped: result.skipped.length,
    indeterminate: result.indeterminate, recoveryMsP50: result.recoveryMsP50, recoveryMsMax: result.recoveryMsMax, valid: result.valid, blind: result.blind,
    stopped: result.stopped, topic: result.topic, durationMs: result.durationMs,
  }
}

function summaryText (result: VerifyResult): string {
  const lines = [
    `${result.config} config, ${result.episodes} episodes of ${result.faults.join(', ')}: ${result.acked} acknowledged (${result.indeterminate} indeterminate, ${result.failed} failed), ${result.read} read back`,
    `lost ${result.lost.length}, duplicated ${result.duplicated.length}, reordered ${result.reordered.length}, inconsistent offsets ${result.inconsistent.length}, aborted reads ${result.abortedReads.length}, consumer skips ${result.skipped.length}`,
    `recovery after heal: p50 ${result.recoveryMsP50 ?? '-'} ms, max ${result.recoveryMsMax ?? '-'} ms`,
  ]
  for (const [kind, list] of [['lost', result.lost], ['duplicated', result.duplicated], ['reordered', result.reordered], ['inconsistent', result.inconsistent]] as const) {
    if (list.length > 0) lines.push(`  ${kind}: ${list.slice(0, 3).join('; ')}${list.length > 3 ? `; and ${list.length - 3} more` : ''}`)
  }
  if (result.stopped) lines.push(`STOPPED EARLY: ${result.stopped}; what was written until then is checked above`)
  if (result.config === 'unsafe') lines.push(result.blind ? 'POSITIVE CONTROL FAILED: the unsafe config lost nothing the checker could see, so the checker may be blind' : 'positive control: the checker caught what the unsafe config lost, as it must')
  else lines.push(result.valid ? 'VALID: no acknowledged record was lost, duplicated or reordered' : 'INVALID: see the anomalies above')
  return lines.join('\n')
}

function describe (event: VerifyProgress): string {
  if (event.phase === 'setup') return `writing to ${event.topic}`
  if (event.phase === 'drain') return `reading everything back (${event.acked} acknowledged)`
  return `episode ${event.index + 1}/${event.total} ${event.fault}: ${event.step === 'start' ? event.detail : event.step === 'heal' ? 'healed, waiting for recovery' : `recovered ${event.detail}`}`
}

export function verifyCommand (): Command {
  return withCommonOptions(new Command('verify'), ['json', 'dir'], false)
    .description('inject faults into the local cluster under load and check that no acknowledged event was lost (Jepsen-style)')
    .option('--faults <list>', `comma-separated: ${faultNames().join(', ')}`, parseFaults, ['kill-leader'])
    .option('--episodes <n>', 'episodes per fault', parseWholeNumber('--episodes', 1, 10_000), 3)
    .option('--duration <seconds>', 'how long each fault is held', parseWholeNumber('--duration', 1, 3600), 5)
    .addOption(new Option('--config <config>', 'safe: Tackle\'s defaults; unsafe: acks=1, no idempotence, min ISR 1, unclean election (the positive control)').choices(['safe', 'unsafe']).default('safe'))
    .option('--report <dir>', 'write timeline.svg (throughput and latency, faults shaded) and history.jsonl there')
    .option('--seed <n>', 'seed of the fault choices', parseWholeNumber('--seed', 0, 2 ** 31), 1)
    .addHelpText('after', `
Writes unique values from several producers to a new topic (RF 3, 6 partitions) with consumers
reading along, runs each fault --episodes times (start, hold --duration, heal, wait until the
cluster is healthy and every producer is acknowledged again), reads everything back from the
earliest offset, and checks: lost, duplicated, reordered, inconsistent offsets, aborted reads,
consumer skips, and the recovery time per episode. Network faults (${NETWORK_FAULTS.join(', ')}) need
a cluster in network namespaces: \`tackle kafka up --netns\` (root); latency also needs tc netem.

Exit codes: 0 valid, 1 anomalies found (for --config unsafe this is the expected outcome; the
run says if the checker found nothing, i.e. was blind), 2 the cluster could not be reached, 64 bad usage.`)
    .action(async (flags: VerifyFlags) => {
      // --config here is safe|unsafe; the config file comes from TACKLE_CONFIG or the default.
      const context = await commandContext({ ...flags, config: undefined })
      if (!await context.cluster.status()) throw new CliError(CliErrorCodes.USAGE, `verify injects faults into the local cluster, and there is none in ${context.cluster.dir}: start it with \`tackle kafka up\``)
      const progress = new Progress({ enabled: !flags.json })
      const total = flags.faults.length * flags.episodes
      let done = 0
      let result: VerifyResult
      try {
        result = await verify({
          cluster: context.cluster, faults: flags.faults, episodes: flags.episodes, faultMs: flags.duration * 1000, config: flags.config, seed: flags.seed, signal: interruptSignal(),
          onProgress: e => {
            if (e.phase === 'episode' && e.step === 'recovered') done = e.index + 1
            progress.update(describe(e), { step: 'verify', done, total })
          },
        })
      } finally {
        progress.done()
      }
      if (flags.report) {
        const files = await writeReport(flags.report, result.history, `tackle verify: ${result.config}, ${result.faults.join(', ')}, ${result.episodes} episodes`)
        if (!flags.json) process.stderr.write(`report: ${files.svg}, ${files.history}\n`)
      }
      if (flags.json) printJson(verifyJson(result))
      else process.stdout.write(summaryText(result) + '\n')
      process.exitCode = result.valid ? ExitCodes.OK : ExitCodes.FAILED
    })
}
