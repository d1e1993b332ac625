import { Command } from 'commander'
import { withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { ExitCodes } from '../exit-codes.ts'
import { clusterJson, clusterText, printJson } from '../output.ts'

export function kafkaStatusCommand (): Command {
  return withCommonOptions(new Command('status'), ['json', 'dir'])
    .description('show the local cluster\'s nodes: state, pid, ports, memory')
    .addHelpText('after', '\nExamples:\n  tackle kafka status\n  tackle kafka status --json\n\nExit codes: 0 every node running, 1 some node stopped or paused, 2 no cluster in the directory.')
    .action(async (flags: CommonFlags) => {
      const { cluster } = await commandContext(flags)
      const status = await cluster.status()
      if (!status) {
        if (flags.json) printJson({ dir: cluster.dir, bootstrap: null, nodes: [] })
        else process.stdout.write(`no local cluster in ${cluster.dir}; start one with \`tackle kafka up\`\n`)
        process.exitCode = ExitCodes.UNREACHABLE
        return
      }
      if (flags.json) printJson(clusterJson(status))
      else process.stdout.write(`${clusterText(status)}\n`)
      if (status.nodes.some(n => n.state !== 'running')) process.exitCode = ExitCodes.FAILED
    })
}
