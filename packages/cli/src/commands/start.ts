// `npm start`: the whole pipeline on the embedded defaults, in one process, until Ctrl-C. The
// local 3-node Kafka is started unless brokers are configured (and stopped again on Ctrl-C only
// if this run started it); the store is DuckDB unless TACKLE_DATABASE_URL names PostgreSQL.
import { join } from 'node:path'
import { Command } from 'commander'
import { pino } from 'pino'
import { ClusterAdmin, TopicReader } from '@tackle/client'
import { Analytics } from '@tackle/analytics'
import { startDashboard } from '@tackle/dashboard'
import { destinationTarget, startPipeline } from '@tackle/pipeline'
import { withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { printJson } from '../output.ts'
import { pipelineSettings, type PipelineSettings } from '../pipeline-settings.ts'
import { bringUp, UP_OPTIONS } from './kafka-up.ts'

export function startCommand (): Command {
  return withCommonOptions(new Command('start'), [...UP_OPTIONS, 'brokers'])
    .description('run the pipeline on the embedded defaults: local 3-node Kafka (unless brokers are configured), collector (Segment and PostHog APIs, :8080), processors, store (DuckDB, or PostgreSQL with TACKLE_DATABASE_URL) and dashboard (:3000); Ctrl-C stops it')
    .addHelpText('after', `
Environment: KAFKA_BROKERS, TACKLE_WRITE_KEYS (comma-separated), TACKLE_DASHBOARD_TOKEN, TACKLE_DATABASE_URL,
TACKLE_COLLECTOR_PORT, TACKLE_DASHBOARD_PORT, TACKLE_DATA_DIR, TACKLE_MAX_EVENT_BYTES, TACKLE_MAX_BATCH_BYTES,
TACKLE_LOG_LEVEL; or the "pipeline" section of tackle.config.json (also tracking plans, PII rules, experiments, destinations).

Ctrl-C stops the pipeline, and the local cluster if this run started it; a cluster that was already
running (or is not local) keeps running: \`tackle kafka down\` stops it.

Examples:
  npm start                                            # the same, from a clone
  TACKLE_WRITE_KEYS=web,ios tackle start
  KAFKA_BROKERS=kafka1:9092 TACKLE_DATABASE_URL=postgres://tackle@db/tackle tackle start

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 1 a part failed to start, 2 cannot reach the cluster, 64 bad configuration.`)
    .action(async (flags: CommonFlags) => {
      const context = await commandContext(flags)
      // Settings first: a wrong one is refused before any Kafka node is started for it.
      const settings = await pipelineSettings(context.config, context.env)
      const configured = flags.brokers ?? context.env.KAFKA_BROKERS ?? context.config.brokers
      const started = configured === undefined ? (await bringUp(flags, false)).started : []
      const brokers = await context.brokers()
      const bootstrapBrokers = brokers.bootstrap.split(',')
      const security = context.security()
      const logger = pino({ level: context.env.TACKLE_LOG_LEVEL ?? 'warn' }, pino.destination(2))

      // One Analytics over the pipeline's store: the collector's flags and the dashboard share its experiments.
      let analytics: Analytics | undefined
      const pipeline = await startPipeline({
        bootstrapBrokers, security, logger,
        writeKeys: settings.writeKeys,
        collectorPort: settings.collectorPort ?? 8080,
        collectorHost: settings.collectorHost,
        databaseUrl: settings.databaseUrl,
        duckdbPath: join(settings.dataDir, 'events.duckdb'),
        maxEventBytes: settings.maxEventBytes,
        maxBatchBytes: settings.maxBatchBytes,
        lateAfterMs: settings.lateAfterMs,
        retentionDays: settings.retentionDays,
        trackingPlans: settings.trackingPlans,
        pii: settings.pii,
        enrichment: settings.enrichment,
        experiments: settings.experiments,
        destinations: settings.destinations,
        flags: store => {
          analytics = new Analytics(store, { experiments: settings.experiments ?? {} })
          return analytics.experiments.flags
        },
      })
      const admin = new ClusterAdmin({ bootstrapBrokers, clientId: 'tackle-dashboard', security })
      const reader = new TopicReader({ bootstrapBrokers, clientId: 'tackle-dashboard', security })
      const dashboard = await startDashboard({
        store: pipeline.store, stats: pipeline.stats, token: settings.dashboardToken, experiments: pipeline.experiments, analytics,
        cluster: { admin, groups: pipeline.groups, reader }, port: settings.dashboardPort ?? 3000, host: settings.dashboardHost,
      }).catch(async (error: unknown) => {
        analytics?.close()
        await pipeline.close()
        await Promise.all([admin.close(), reader.close()])
        throw error
      })

      const summary = {
        kafka: { bootstrap: brokers.bootstrap, source: brokers.source, startedNodes: started },
        collector: pipeline.collector.url,
        dashboard: dashboard.url,
        store: pipeline.store.engine === 'duckdb' ? join(settings.dataDir, 'events.duckdb') : 'postgresql',
        writeKeys: settings.writeKeys,
        dashboardToken: settings.dashboardToken,
        destinations: settings.destinations.map(d => ({ name: d.name, type: d.type, target: destinationTarget(d) })),
      }
      if (flags.json) printJson(summary)
      else process.stdout.write(banner(summary, settings))

      await new Promise<void>(resolve => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      process.stderr.write('stopping: dashboard, collector (delivering what it holds), processors, store\n')
      await dashboard.close()
      analytics?.close()
      await pipeline.close()
      await Promise.all([admin.close(), reader.close()])
      if (started.length > 0) {
        process.stderr.write('stopping the local Kafka cluster this run started\n')
        await context.cluster.down()
      } else if (brokers.source === 'local') {
        process.stderr.write(`the local Kafka cluster keeps running (it was running before this start); \`tackle kafka down\` stops it, data in ${context.cluster.dir}\n`)
      }
      process.stderr.write('stopped\n')
    })
}

function banner (s: { kafka: { bootstrap: string, source: string }, collector: string, dashboard: string, store: string, writeKeys: string[], dashboardToken: string, destinations: Array<{ name: string, type: string, target: string }> }, settings: PipelineSettings): string {
  const key = s.writeKeys[0] as string
  const basic = Buffer.from(`${key}:`).toString('base64')
  return `Tackle is running. Ctrl-C stops it.

  Kafka       ${s.kafka.bootstrap} (${s.kafka.source})
  Collector   ${s.collector}   Segment /v1/*, PostHog /batch /capture /e /flags
  Dashboard   ${s.dashboard}/#token=${s.dashboardToken}
  Store       ${s.store}${s.destinations.length === 0 ? '' : `\n  Destinations ${s.destinations.map(d => `${d.name} (${d.type} → ${d.target})`).join(', ')}`}

  Write key   ${key}${settings.generated.writeKey ? '   (generated; set TACKLE_WRITE_KEYS to choose your own)' : ''}
  Dashboard token ${s.dashboardToken}${settings.generated.dashboardToken ? '   (generated; TACKLE_DASHBOARD_TOKEN sets it)' : ''}

Send an event:

  curl -s ${s.collector}/v1/track -H 'Authorization: Basic ${basic}' -H 'Content-Type: application/json' \\
    -d '{"userId":"u1","event":"Signed Up","properties":{"plan":"pro"}}'

See it:

  curl -s '${s.dashboard}/api/events?limit=5' -H 'Authorization: Bearer ${s.dashboardToken}'
`
}
