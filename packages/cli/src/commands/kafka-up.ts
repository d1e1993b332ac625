import { Command } from 'commander'
import type { UpProgress, UpResult } from '@tackle/local-kafka'
import { interruptSignal, parseDuration, parseWholeNumber, withCommonOptions, type CommonOption } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { clusterJson, clusterText, printJson } from '../output.ts'
import { formatDuration, Progress } from '../progress.ts'
import { Timings } from '../timings.ts'

interface UpFlags extends CommonFlags {
  nodes?: number
  secure?: boolean
  netns?: boolean
  timeout?: number
  portBase?: number
}

/**
 * Starts (or reports) the local cluster with progress on stderr; shared by `kafka up` and
 * `start`, which prints its own summary (`print: false`).
 */
export async function bringUp (flags: UpFlags, print = true): Promise<UpResult> {
  const context = await commandContext(flags, process.env, {
    secure: flags.secure,
    network: flags.netns ? 'netns' : undefined,
    ...(flags.timeout === undefined ? {} : { startTimeoutMs: flags.timeout }),
    ...(flags.portBase === undefined ? {} : { portBase: flags.portBase }),
  })
  const timings = new Timings(context.cluster.options.cacheDir)
  const expected = { fetch: await timings.get('fetch'), start: await timings.get('start') }
  const progress = new Progress()
  const stepStarted: Partial<Record<UpProgress['phase'], number>> = {}
  const began = Date.now()
  const onProgress = (event: UpProgress) => {
    stepStarted[event.phase] ??= Date.now()
    if (event.phase === 'fetch') progress.update(`fetching Kafka ${event.version} from Maven Central (first run only)`, { expectedMs: expected.fetch })
    if (event.phase === 'format') progress.update(`formatting storage of ${event.nodes} nodes`)
    if (event.phase === 'start') {
      progress.update('nodes ready', { done: event.ready, total: event.total, expectedMs: expected.start })
    }
    if (event.phase === 'quorum') progress.update('checking the KRaft quorum')
  }
  const nodes = flags.nodes ?? context.config.kafka?.nodes
  let result
  try {
    result = await context.cluster.up({ nodes, onProgress, signal: interruptSignal() })
  } finally {
    progress.done()
  }
  if (stepStarted.fetch) await timings.record('fetch', (stepStarted.format ?? stepStarted.start ?? Date.now()) - stepStarted.fetch)
  if (stepStarted.start && result.started.length === result.nodes.length) await timings.record('start', (stepStarted.quorum ?? Date.now()) - stepStarted.start)

  if (!print) return result
  if (flags.json) {
    printJson({ ...clusterJson(result), started: result.started, quorum: result.quorum })
    return result
  }
  const verb = result.started.length === 0 ? 'already running' : `started node${result.started.length > 1 ? 's' : ''} ${result.started.join(', ')} in ${formatDuration(Date.now() - began)}`
  process.stdout.write(`Local Kafka ${verb}; quorum leader is node ${result.quorum.leaderId} of voters ${result.quorum.voters.join(', ')}.\n`)
  process.stdout.write(`${clusterText(result)}\n\nexport KAFKA_BROKERS=${result.bootstrap}\n`)
  return result
}

export const UP_OPTIONS: readonly CommonOption[] = ['json', 'dir']

export function kafkaUpCommand (): Command {
  return withCommonOptions(new Command('up'), UP_OPTIONS)
    .description('start the local Kafka cluster (KRaft, on 127.0.0.1), or report the running one')
    .option('-n, --nodes <count>', 'nodes, each broker and controller (default 3, or the existing cluster\'s size)', parseWholeNumber('--nodes', 1, 9))
    .option('--secure', 'give a new cluster a SASL_SSL listener too: a generated CA and a user for PLAIN and SCRAM-SHA-256/512')
    .option('--netns', 'run each node of a new cluster in its own network namespace (needs root), so `tackle verify` can cut nodes apart')
    .option('--timeout <duration>', 'how long each node may take to become ready (default 3m)', (v: string) => parseDuration(v))
    .option('--port-base <port>', 'the first port of a new cluster (default: free ports; or TACKLE_KAFKA_PORT_BASE)', parseWholeNumber('--port-base', 1024, 64_000))
    .addHelpText('after', `
A cluster that is running already is reported, not restarted. The first run fetches Kafka's jars
from Maven Central into the cache (TACKLE_CACHE_DIR).

Examples:
  tackle kafka up
  tackle kafka up --nodes 5 --secure
  eval "$(tackle kafka up | grep '^export')"        # KAFKA_BROKERS for this shell

Exit codes: 0 running, 1 a node failed to start (its log tail is shown), 64 bad usage, 130 interrupted.`)
    .action(async (flags: UpFlags) => { await bringUp(flags) })
}
