import { Command, InvalidArgumentError, Option } from 'commander'
import { faultNames, NETWORK_FAULTS, pipelineFaultNames, verify, verifyPipeline, writePipelineReport, writeReport, type PipelineVerifyProgress, type PipelineVerifyResult, type VerifyProgress, type VerifyResult } from '@tackle/verify'
import { durationOption, interruptSignal, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { ExitCodes } from '../exit-codes.ts'
import { printJson } from '../output.ts'
import { Progress } from '../progress.ts'

type Target = 'client' | 'pipeline'

interface VerifyFlags extends CommonFlags {
  target: Target
  faults?: string[]
  episodes: number
  duration: number
  mode: VerifyMode
  /** The config file; `safe` or `unsafe` here is the deprecated spelling of --mode. */
  config?: string
  report?: string
  seed: number
}

type VerifyMode = 'safe' | 'unsafe'
const MODES: readonly VerifyMode[] = ['safe', 'unsafe']

/** --mode, or a deprecated `--config safe|unsafe` (the flag's name before --config meant the config file everywhere). */
export function verifyMode (flags: { mode: VerifyMode, config?: string }, warn: (line: string) => void): { mode: VerifyMode, configFile: string | undefined } {
  if (!MODES.includes(flags.config as VerifyMode)) return { mode: flags.mode, configFile: flags.config }
  warn(`tackle verify: --config ${flags.config} is deprecated; use --mode ${flags.config} (--config names the config file, as in every other command)`)
  return { mode: flags.config as VerifyMode, configFile: undefined }
}

const TARGET_FAULTS: Record<Target, () => string[]> = { client: faultNames, pipeline: pipelineFaultNames }
const DEFAULT_FAULTS: Record<Target, string[]> = { client: ['kill-leader'], pipeline: ['kill-leader', 'kill-processor', 'restart-store'] }

function parseFaults (value: string): string[] {
  const names = value.split(',').map(s => s.trim()).filter(Boolean)
  const known = new Set([...faultNames(), ...pipelineFaultNames()])
  for (const name of names) {
    if (!known.has(name)) throw new InvalidArgumentError(`unknown fault "${name}"; faults: ${faultNames().join(', ')}; for --target pipeline: ${pipelineFaultNames().join(', ')}`)
  }
  return names
}

/** The faults asked for, each one this target has; or the target's defaults. */
function targetFaults (flags: VerifyFlags): string[] {
  const faults = flags.faults ?? DEFAULT_FAULTS[flags.target]
  const known = TARGET_FAULTS[flags.target]()
  const foreign = faults.filter(f => !known.includes(f))
  if (foreign.length > 0) throw new CliError(CliErrorCodes.USAGE, `--target ${flags.target} has no fault ${foreign.map(f => `"${f}"`).join(', ')}; its faults: ${known.join(', ')}`)
  return faults
}

/** The one JSON object of --json: the verdict without the raw history (that goes to --report). */
export function verifyJson (result: VerifyResult): Record<string, unknown> {
  return {
    target: 'client', config: result.config, faults: result.faults, episodes: result.episodes, acked: result.acked, lost: result.lost.length, duplicated: result.duplicated.length,
    reordered: result.reordered.length, inconsistent: result.inconsistent.length, abortedReads: result.abortedReads.length, skipped: result.skipped.length,
    indeterminate: result.indeterminate, recoveryMsP50: result.recoveryMsP50, recoveryMsMax: result.recoveryMsMax, valid: result.valid, blind: result.blind,
    stopped: result.stopped, topic: result.topic, durationMs: result.durationMs,
  }
}

/** The pipeline target's one JSON object: the counts, not the lists (those go to --report). */
export function pipelineVerifyJson (result: PipelineVerifyResult): Record<string, unknown> {
  return {
    target: result.target, faults: result.faults, episodes: result.episodes, sent: result.sent, acknowledged: result.acknowledged, stored: result.stored,
    lost: result.lost.length, duplicated: result.duplicated.length, stray: result.stray.length, unstored: result.unstored.length, unrecorded: result.unrecorded.length,
    wronglyRejected: result.wronglyRejected.length, rejected: result.rejected, poison: result.poison, recoveryMsP50: result.recoveryMsP50, recoveryMsMax: result.recoveryMsMax,
    lastRowMsMax: result.lastRowMsMax, processors: result.processors, scaledOut: result.scaledOut, crashed: result.crashed.length, valid: result.valid, stopped: result.stopped,
    topicPrefix: result.topicPrefix, durationMs: result.durationMs,
  }
}

function pipelineSummaryText (result: PipelineVerifyResult): string {
  const lines = [
    `pipeline, ${result.episodes} episodes of ${result.faults.join(', ')}: ${result.sent} events sent (${result.poison} poison), ${result.acknowledged} acknowledged, ${result.stored} stored`,
    `lost ${result.lost.length}, duplicated ${result.duplicated.length}, unstored after retries ${result.unstored.length}, stray ${result.stray.length}, poison unrecorded ${result.unrecorded.length}, valid events rejected ${result.wronglyRejected.length}`,
    `recovery after heal: p50 ${result.recoveryMsP50 ?? '-'} ms, max ${result.recoveryMsMax ?? '-'} ms; last late row ${result.lastRowMsMax ?? '-'} ms after a fault began`,
    `processors: ${result.processors.map(p => `pid ${p.pid} owns [${p.owned.join(',')}]`).join('; ')}${result.scaledOut === null ? '' : result.scaledOut ? ' (scaled out)' : ' (NOT every processor owns a share)'}`,
  ]
  for (const [kind, list] of [['lost', result.lost], ['duplicated', result.duplicated], ['unstored', result.unstored], ['stray', result.stray], ['unrecorded', result.unrecorded], ['wrongly rejected', result.wronglyRejected]] as const) {
    if (list.length > 0) lines.push(`  ${kind}: ${list.slice(0, 3).join('; ')}${list.length > 3 ? `; and ${list.length - 3} more` : ''}`)
  }
  for (const crash of result.crashed) lines.push(`CRASHED: ${crash}`)
  if (result.stopped) lines.push(`STOPPED EARLY: ${result.stopped}; what was written until then is checked above`)
  lines.push(result.valid ? 'VALID: every acknowledged event was stored exactly once, and every poison event recorded' : 'INVALID: see the anomalies above')
  return lines.join('\n')
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

function describe (event: VerifyProgress | PipelineVerifyProgress): string {
  if (event.phase === 'setup') return 'topic' in event ? `writing to ${event.topic}` : event.detail
  if (event.phase === 'drain') return 'acked' in event ? `reading everything back (${event.acked} acknowledged)` : `auditing the store (${event.acknowledged} acknowledged)`
  return `episode ${event.index + 1}/${event.total} ${event.fault}: ${event.step === 'start' ? event.detail : event.step === 'heal' ? 'healed, waiting for recovery' : `recovered ${event.detail}`}`
}

export function verifyCommand (): Command {
  return withCommonOptions(new Command('verify'), ['json', 'dir'])
    .description('inject faults into the local cluster (and the pipeline) under load and check that no acknowledged event was lost (Jepsen-style)')
    .addOption(new Option('--target <target>', 'client: Tackle\'s producer and consumer on a topic; pipeline: collectors, processors and PostgreSQL as processes, under HTTP load').choices(['client', 'pipeline']).default('client'))
    .option('--faults <list>', `comma-separated; client: ${faultNames().join(', ')} (default kill-leader); pipeline: ${pipelineFaultNames().join(', ')} (default ${DEFAULT_FAULTS.pipeline.join(',')})`, parseFaults)
    .option('--episodes <n>', 'episodes per fault', parseWholeNumber('--episodes', 1, 10_000), 3)
    .addOption(durationOption('--duration <duration>', 'how long each fault is held (a plain number is seconds)', 5_000, 's'))
    .addOption(new Option('--mode <mode>', 'safe: Tackle\'s defaults; unsafe: acks=1, no idempotence, min ISR 1, unclean election (the positive control)').choices(MODES).default('safe'))
    .option('--report <dir>', 'write timeline.svg (throughput and latency, faults shaded) and history.jsonl there')
    .option('--seed <n>', 'seed of the fault choices', parseWholeNumber('--seed', 0, 2 ** 31), 1)
    .addHelpText('after', `
Writes unique values from several producers to a new topic (RF 3, 6 partitions) with consumers
reading along, runs each fault --episodes times (start, hold --duration, heal, wait until the
cluster is healthy and every producer is acknowledged again), reads everything back from the
earliest offset, and checks: lost, duplicated, reordered, inconsistent offsets, aborted reads,
consumer skips, and the recovery time per episode. Network faults (${NETWORK_FAULTS.join(', ')}) need
a cluster in network namespaces: \`tackle kafka up --netns\` (root); latency also needs tc netem.

With --target pipeline it starts PostgreSQL (from the machine's binaries, in a directory of its
own), 2 processors and 2 collectors as processes on new topics, and HTTP clients that send
Segment and PostHog batches and resend them as the SDKs do; a third processor joins after the
first episode. It checks that every event answered 2xx is stored exactly once, that nothing else
is stored, and that every poison event is in failed_events with its reason. --mode does not
apply there; --report writes timeline.svg, history.jsonl and requests.jsonl.

Examples:
  tackle verify --faults kill-leader,pause --episodes 5 --report out/
  tackle verify --faults pause-followers --episodes 3 --mode unsafe
  tackle verify --target pipeline --faults kill-leader,kill-collector,kill-processor,restart-store,poison --episodes 2 --json

Exit codes: 0 valid, 1 anomalies found (for --mode unsafe this is the expected outcome; the
run says if the checker found nothing, i.e. was blind), 2 the cluster could not be reached, 64 bad usage.`)
    .action(async (flags: VerifyFlags) => {
      const faults = targetFaults(flags)
      const { mode, configFile } = verifyMode(flags, line => process.stderr.write(line + '\n'))
      const context = await commandContext({ ...flags, config: configFile })
      if (!await context.cluster.status()) throw new CliError(CliErrorCodes.NO_BROKERS, `no local cluster to inject faults into in ${context.cluster.dir}: verify runs against the local cluster; start it with \`tackle kafka up\``)
      const progress = new Progress({ enabled: !flags.json })
      const total = faults.length * flags.episodes
      let done = 0
      const onProgress = (e: VerifyProgress | PipelineVerifyProgress) => {
        if (e.phase === 'episode' && e.step === 'recovered') done = e.index + 1
        progress.update(describe(e), { step: 'verify', done, total })
      }
      const common = { cluster: context.cluster, faults, episodes: flags.episodes, faultMs: flags.duration, seed: flags.seed, signal: interruptSignal(), onProgress }
      let valid: boolean
      try {
        if (flags.target === 'pipeline') {
          const result = await verifyPipeline(common)
          progress.done()
          if (flags.report) {
            const files = await writePipelineReport(flags.report, result, `tackle verify --target pipeline: ${result.faults.join(', ')}, ${result.episodes} episodes`)
            if (!flags.json) process.stderr.write(`report: ${files.svg}, ${files.history}, ${files.requests}\n`)
          }
          if (flags.json) printJson(pipelineVerifyJson(result))
          else process.stdout.write(pipelineSummaryText(result) + '\n')
          valid = result.valid
        } else {
          const result = await verify({ ...common, config: mode })
          progress.done()
          if (flags.report) {
            const files = await writeReport(flags.report, result.history, `tackle verify: ${result.config}, ${result.faults.join(', ')}, ${result.episodes} episodes`)
            if (!flags.json) process.stderr.write(`report: ${files.svg}, ${files.history}\n`)
          }
          if (flags.json) printJson(verifyJson(result))
          else process.stdout.write(summaryText(result) + '\n')
          valid = result.valid
        }
      } finally {
        progress.done()
      }
      process.exitCode = valid ? ExitCodes.OK : ExitCodes.FAILED
    })
}
