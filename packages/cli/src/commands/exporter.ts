import { Command } from 'commander'
import { serveHealth } from '@tackle/client'
import { ClusterExporter } from '@tackle/ops'
import { durationOption, parseWholeNumber, withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { defaultRollStateFile } from './roll.ts'

interface ExporterFlags extends CommonFlags {
  port: number
  host: string
  interval: number
}

export function exporterCommand (): Command {
  return withCommonOptions(new Command('exporter'), ['dir', 'brokers'])
    .description('serve Prometheus metrics of the cluster: brokers, partitions, controller, consumer lag and status, rolls and reassignments')
    .option('--port <port>', 'the port to serve /metrics on', parseWholeNumber('--port', 1, 65_535), 9308)
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .addOption(durationOption('--interval <duration>', 'how often to sample the cluster', 15_000))
    .addHelpText('after', '\nRuns until interrupted. /healthz answers while it runs; /readyz once a sample reached the cluster.\nMetric names are in README.md; a Grafana dashboard is in packages/ops/grafana/tackle-cluster.json.\n\nExample:\n  tackle exporter --port 9308 --interval 30s\n\nExit codes: 0 stopped by Ctrl-C or SIGTERM, 2 cannot reach the cluster at start, 64 bad usage.')
    .action(async (flags: ExporterFlags) => {
      const context = await commandContext(flags)
      const { admin, expectedBrokers } = await context.admin()
      const exporter = new ClusterExporter({ admin, expectedBrokers, intervalMs: flags.interval, rollStateFiles: [defaultRollStateFile(context, 'local'), defaultRollStateFile(context, 'exec')] })
      exporter.start()
      const server = await serveHealth({
        port: flags.port,
        host: flags.host,
        registry: exporter.registry,
        checks: { cluster: async () => (await exporter.registry.getSingleMetric('tackle_cluster_up')?.get())?.values[0]?.value === 1 ? undefined : 'the last sample did not reach the cluster' },
      })
      process.stderr.write(`tackle exporter: ${server.url}/metrics (sampling every ${flags.interval / 1000}s)\n`)
      await new Promise<void>(resolve => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      await server.close()
      await exporter.close()
      await admin.close()
    })
}
