import { Command } from 'commander'
import { withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { clusterJson, printJson } from '../output.ts'

export function kafkaDownCommand (): Command {
  return withCommonOptions(new Command('down'), ['json', 'dir'])
    .description('stop every node of the local cluster (SIGTERM, a clean shutdown); data is kept unless --purge')
    .option('--purge', 'also delete the cluster\'s directory: data, logs and state')
    .addHelpText('after', `
Examples:
  tackle kafka down
  tackle kafka down --purge        # also delete its data

Exit codes: 0 stopped (or nothing was running), 1 a node would not stop.`)
    .action(async (flags: CommonFlags & { purge?: boolean }) => {
      const { cluster } = await commandContext(flags)
      const status = await cluster.down({ purge: flags.purge === true })
      if (flags.json) {
        printJson(status ? { ...clusterJson(status), purged: flags.purge === true } : { dir: cluster.dir, nodes: [], purged: flags.purge === true })
        return
      }
      const what = status ? `stopped ${status.nodes.length} nodes` : 'no local cluster was there'
      process.stdout.write(`${what} in ${cluster.dir}${flags.purge ? '; directory deleted' : ''}\n`)
    })
}
