// A Prometheus exporter for the cluster, as Burrow and kafka-exporter are for theirs: broker and
// partition health, the controller, consumer lag with Burrow-style status per group, and whether a
// roll or a partition reassignment is under way. It samples on an interval (the lag statuses need
// a window of samples), and /metrics serves the last sample. Metric names are listed in README.md.
import { access } from 'node:fs/promises'
import type { ClusterAdmin } from '@tackle/client'
import { Counter, Gauge, Registry } from 'prom-client'
import { takeSnapshot } from '../cluster-snapshot.ts'
import { assessHealth, defaultHealthOptions, healthExtras, type HealthOptions } from '../operations/check-health.ts'
import { LAG_STATUSES, LagMonitor, type LagRules } from '../operations/consumer-lag.ts'

export interface ClusterExporterOptions {
  admin: ClusterAdmin
  registry?: Registry
  intervalMs?: number
  expectedBrokers?: readonly number[]
  /** Where a roll may keep its state (the local cluster's, an exec-driver roll's): a roll is in progress while any of them exists. */
  rollStateFiles?: readonly string[]
  health?: HealthOptions
  lag?: LagRules & { windowSize?: number }
}

function gauge (registry: Registry, name: string, help: string, labelNames: string[] = []): Gauge {
  return new Gauge({ name, help, labelNames, registers: [registry] })
}

export class ClusterExporter {
  readonly registry: Registry
  readonly #options: ClusterExporterOptions
  readonly #lag: LagMonitor
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  readonly #metrics

  constructor (options: ClusterExporterOptions) {
    this.#options = options
    this.registry = options.registry ?? new Registry()
    const r = this.registry
    this.#lag = new LagMonitor(options.admin, { windowSize: options.lag?.windowSize ?? 10 })
    this.#metrics = {
      up: gauge(r, 'tackle_cluster_up', '1 when the last sample reached the cluster, else 0'),
      healthy: gauge(r, 'tackle_cluster_healthy', '1 when `tackle health` would pass, else 0'),
      brokers: gauge(r, 'tackle_cluster_brokers', 'Brokers by state: registered (and unfenced) or missing', ['state']),
      controller: gauge(r, 'tackle_cluster_controller_id', 'Node id of the active controller (the KRaft quorum leader)'),
      voterLag: gauge(r, 'tackle_cluster_quorum_voter_lag_seconds', 'How far each KRaft voter\'s last catch-up is behind the leader', ['voter']),
      partitions: gauge(r, 'tackle_cluster_partitions', 'Partitions by problem: offline, under_min_isr, under_replicated; and all', ['state']),
      problems: gauge(r, 'tackle_cluster_problems', 'Problems `tackle health` reports, by kind', ['kind']),
      imbalance: gauge(r, 'tackle_cluster_leader_imbalance_partitions', 'Partitions not led by their preferred replica'),
      lagRecords: gauge(r, 'tackle_consumer_group_lag_records', 'Records between a group\'s committed offset and the end of the partition', ['group', 'topic', 'partition']),
      lagSeconds: gauge(r, 'tackle_consumer_group_lag_seconds', 'How long ago the oldest record the group has not consumed was written', ['group', 'topic', 'partition']),
      lagStatus: gauge(r, 'tackle_consumer_group_status', 'Burrow-style status of each group: 1 for the current status', ['group', 'status']),
      roll: gauge(r, 'tackle_roll_in_progress', '1 while a `tackle roll` is under way (its state file exists)'),
      reassignments: gauge(r, 'tackle_reassignments_in_progress_partitions', 'Partitions being reassigned'),
      certificateExpiry: gauge(r, 'tackle_cluster_certificate_expiry_seconds', 'Seconds until the certificate of each TLS listener the brokers advertise expires (negative once expired)', ['broker', 'listener']),
      logDirUsed: gauge(r, 'tackle_cluster_log_dir_used_ratio', 'Used share of the disk under each broker log directory, 0..1', ['broker', 'dir']),
      errors: new Counter({ name: 'tackle_exporter_sample_errors_total', help: 'Samples that failed', registers: [r] }),
    }
  }

  /** Takes one sample and updates every metric. */
  async sample (): Promise<void> {
    const m = this.#metrics
    const { admin } = this.#options
    try {
      const snapshot = await takeSnapshot(admin, this.#options.expectedBrokers)
      const extras = await healthExtras(admin, snapshot)
      const report = assessHealth(snapshot, this.#options.health ?? defaultHealthOptions, extras)
      m.certificateExpiry.reset()
      for (const c of report.certificates) if (c.notAfter) m.certificateExpiry.set({ broker: String(c.broker), listener: c.listener }, Math.round((Date.parse(c.notAfter) - Date.now()) / 1000))
      m.logDirUsed.reset()
      for (const d of report.logDirs) if (d.usedRatio !== null) m.logDirUsed.set({ broker: String(d.broker), dir: d.dir }, d.usedRatio)
      m.up.set(1)
      m.healthy.set(report.healthy ? 1 : 0)
      m.brokers.set({ state: 'registered' }, report.brokers.filter(b => b.registered).length)
      m.brokers.set({ state: 'missing' }, report.brokers.filter(b => !b.registered).length)
      m.controller.set(report.controller.id)
      m.voterLag.reset()
      for (const v of report.controller.voters) if (v.lagMs !== null) m.voterLag.set({ voter: String(v.id) }, v.lagMs / 1000)
      const count = (kind: string) => report.problems.filter(p => p.kind === kind).length
      m.partitions.set({ state: 'all' }, report.partitions)
      m.partitions.set({ state: 'offline' }, count('offline'))
      m.partitions.set({ state: 'under_min_isr' }, count('under-min-isr'))
      m.partitions.set({ state: 'under_replicated' }, count('under-replicated'))
      m.problems.reset()
      for (const p of report.problems) m.problems.inc({ kind: p.kind })
      m.imbalance.set(report.leaderImbalance.partitions)
      m.reassignments.set((await admin.listReassignments()).length)
      const present = await Promise.all((this.#options.rollStateFiles ?? []).map(file => access(file).then(() => true, () => false)))
      m.roll.set(present.some(Boolean) ? 1 : 0)

      await this.#lag.sample()
      m.lagRecords.reset()
      m.lagSeconds.reset()
      m.lagStatus.reset()
      for (const group of this.#lag.evaluate(this.#options.lag)) {
        for (const status of LAG_STATUSES) m.lagStatus.set({ group: group.group, status }, status === group.status ? 1 : 0)
        for (const p of group.partitions) {
          const labels = { group: group.group, topic: p.topic, partition: String(p.partition) }
          m.lagRecords.set(labels, Number(p.lagRecords))
          m.lagSeconds.set(labels, p.lagMs / 1000)
        }
      }
    } catch (error) {
      m.up.set(0)
      m.errors.inc()
      throw error
    }
  }

  /** Samples now and then every intervalMs; failures are counted, not thrown. */
  start (): void {
    const tick = () => {
      this.#running = this.sample().catch(() => undefined)
    }
    tick()
    this.#timer = setInterval(tick, this.#options.intervalMs ?? 15_000)
  }

  async close (): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }
}
