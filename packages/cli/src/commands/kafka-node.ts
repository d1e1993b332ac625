import { Argument, Command } from 'commander'
import type { NodeAction } from '@tackle/local-kafka'
import { interruptSignal, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { nodeJson, printJson } from '../output.ts'

const ACTIONS = {
  start: 'start a stopped node and wait until it is ready',
  stop: 'SIGTERM: a clean, controlled shutdown',
  kill: 'SIGKILL: a crash',
  pause: 'SIGSTOP: a frozen process, as in a long GC pause',
  resume: 'SIGCONT: thaw a paused node',
} as const satisfies Record<NodeAction, string>

export function kafkaNodeCommand (): Command {
  return withCommonOptions(new Command('node'), ['json', 'dir'])
    .description('act on one node of the local cluster')
    .argument('<id>', 'node id', parseWholeNumber('node id', 1, 1000))
    .addArgument(new Argument('<action>', 'what to do').choices(Object.keys(ACTIONS)))
    .addHelpText('after', `\nActions:\n${Object.entries(ACTIONS).map(([a, d]) => `  ${a.padEnd(7)} ${d}`).join('\n')}

Examples:
  tackle kafka node 2 kill         # as a crash would
  tackle kafka node 2 start

Exit codes: 0 done, 1 the action failed, 2 no local cluster, 64 no such node or action.`)
    .action(async (id: number, action: NodeAction, flags: CommonFlags) => {
      const { cluster } = await commandContext(flags)
      const node = await cluster.node(id, action, { signal: interruptSignal() })
      if (flags.json) printJson(nodeJson(node))
      else process.stdout.write(`node ${node.id}: ${node.state}${node.pid === null ? '' : ` (pid ${node.pid})`}\n`)
    })
}
