import { Command } from 'commander'
import { interruptSignal, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { nodeJson, printJson } from '../output.ts'

export function kafkaAddBrokerCommand (): Command {
  return withCommonOptions(new Command('add-broker'), ['json', 'dir'])
    .description('add a broker-only node with the next free id and start it: the new instance of a broker replacement')
    .addHelpText('after', '\nThen move a broker\'s partitions onto it with `tackle broker replace OLD NEW`.\n\nExample:\n  tackle kafka add-broker && tackle broker replace 2 4\n\nExit codes: 0 added, 1 it failed to start, 2 no local cluster.')
    .action(async (flags: CommonFlags) => {
      const { cluster } = await commandContext(flags)
      const node = await cluster.addBroker({ signal: interruptSignal() })
      if (flags.json) printJson(nodeJson(node))
      else process.stdout.write(`node ${node.id}: ${node.state} as a broker on port ${node.port}${node.pid === null ? '' : ` (pid ${node.pid})`}\n`)
    })
}
