import { Command } from 'commander'
import { unregisterBroker } from '@tackle/ops'
import { parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { printJson } from '../output.ts'

interface RemoveFlags extends CommonFlags {
  purge?: boolean
  force?: boolean
}

export function kafkaRemoveNodeCommand (): Command {
  return withCommonOptions(new Command('remove-node'), ['json', 'dir'])
    .description('stop a broker-only node, take it out of the local cluster for good and unregister it (its data is kept unless --purge)')
    .argument('<id>', 'the node', parseWholeNumber('node id', 0, 2 ** 31 - 1))
    .option('--purge', 'also delete its data directory')
    .option('--force', 'remove it even though it still holds replicas (they become under-replicated)')
    .addHelpText('after', `
Empty it first with tackle broker decommission ID: a node that still holds replicas is refused
unless --force. Once stopped it is unregistered from the cluster's metadata, so tackle health and
Kafka's own tools no longer list it. Controllers cannot be removed: they are voters of the quorum.

Example: tackle broker decommission 4 && tackle kafka remove-node 4 --purge

Exit codes: 0 removed, 1 refused (holds replicas, a controller, the last broker), 2 no local cluster, 64 no such node.`)
    .action(async (id: number, flags: RemoveFlags) => {
      const context = await commandContext(flags)
      const { admin } = await context.admin()
      try {
        const holding = (await admin.partitions()).filter(p => p.replicas.includes(id))
        if (holding.length > 0 && !flags.force) {
          throw new CliError(CliErrorCodes.REFUSED, `node ${id} still holds replicas of ${holding.length} partitions: run tackle broker decommission ${id} first, or pass --force`)
        }
        const removed = await context.cluster.removeNode(id, { purge: flags.purge })
        const unregistered = holding.length === 0 ? await unregisterBroker(admin, id).then(() => null, (error: Error) => error.message) : 'it still holds replicas'
        if (flags.json) printJson({ ...removed, unregistered: unregistered === null })
        else process.stdout.write(`node ${id} removed from the cluster${removed.purged ? ' and its data deleted' : `; its data stays in ${removed.dir}`}; ${unregistered === null ? 'unregistered' : `not unregistered: ${unregistered}`}\n`)
      } finally {
        await admin.close()
      }
    })
}
