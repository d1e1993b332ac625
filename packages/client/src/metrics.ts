// Prometheus metrics every Tackle producer gets for free, named by Prometheus' conventions
// (base units, _total counters) and prefixed tackle_. One set per registry, labelled by client id.
import { Counter, Gauge, Histogram, register as defaultRegistry, type Registry } from 'prom-client'

export interface ProducerMetrics {
  sent: Counter<'client_id' | 'topic'>
  acked: Counter<'client_id' | 'topic'>
  failed: Counter<'client_id' | 'topic' | 'reason'>
  retries: Counter<'client_id'>
  ackLatency: Histogram<'client_id'>
  bufferBytes: Gauge<'client_id'>
  spooled: Counter<'client_id' | 'topic'>
}

const byRegistry = new WeakMap<Registry, ProducerMetrics>()

export function producerMetrics (registry: Registry = defaultRegistry): ProducerMetrics {
  let metrics = byRegistry.get(registry)
  if (!metrics) {
    const registers = [registry]
    metrics = {
      sent: new Counter({ name: 'tackle_producer_records_sent_total', help: 'Records handed to the producer', labelNames: ['client_id', 'topic'], registers }),
      acked: new Counter({ name: 'tackle_producer_records_acked_total', help: 'Records the cluster acknowledged (acks=all)', labelNames: ['client_id', 'topic'], registers }),
      failed: new Counter({ name: 'tackle_producer_records_failed_total', help: 'Records whose send failed, by reason (error code)', labelNames: ['client_id', 'topic', 'reason'], registers }),
      retries: new Counter({ name: 'tackle_producer_retries_total', help: 'Produce requests retried after a retriable error', labelNames: ['client_id'], registers }),
      ackLatency: new Histogram({
        name: 'tackle_producer_ack_latency_seconds',
        help: 'Time from send() to the acknowledgement',
        labelNames: ['client_id'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers,
      }),
      bufferBytes: new Gauge({ name: 'tackle_producer_buffer_bytes', help: 'Bytes of records waiting for acknowledgement', labelNames: ['client_id'], registers }),
      spooled: new Counter({ name: 'tackle_producer_records_spooled_total', help: 'Records written to the disk spool while the cluster was unreachable', labelNames: ['client_id', 'topic'], registers }),
    }
    byRegistry.set(registry, metrics)
  }
  return metrics
}

export interface ConsumerMetrics {
  consumed: Counter<'group' | 'topic'>
  handled: Counter<'group' | 'topic' | 'outcome'>
  duration: Histogram<'group' | 'topic'>
  retries: Counter<'group' | 'topic'>
  deadLettered: Counter<'group' | 'topic'>
  buffered: Gauge<'group'>
  lag: Gauge<'group' | 'topic' | 'partition'>
  streamReopened: Counter<'group'>
}

const consumerByRegistry = new WeakMap<Registry, ConsumerMetrics>()

export function consumerMetrics (registry: Registry = defaultRegistry): ConsumerMetrics {
  let metrics = consumerByRegistry.get(registry)
  if (!metrics) {
    const registers = [registry]
    metrics = {
      consumed: new Counter({ name: 'tackle_consumer_records_consumed_total', help: 'Records fetched for a handler', labelNames: ['group', 'topic'], registers }),
      handled: new Counter({ name: 'tackle_consumer_records_handled_total', help: 'Records done with, by outcome: ok, retry-topic, dlq', labelNames: ['group', 'topic', 'outcome'], registers }),
      duration: new Histogram({ name: 'tackle_consumer_processing_duration_seconds', help: 'Handler time per record, tries included', labelNames: ['group', 'topic'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers }),
      retries: new Counter({ name: 'tackle_consumer_retries_total', help: 'Handler tries after a failure', labelNames: ['group', 'topic'], registers }),
      deadLettered: new Counter({ name: 'tackle_consumer_dlq_records_total', help: 'Records sent to the dead-letter topic', labelNames: ['group', 'topic'], registers }),
      buffered: new Gauge({ name: 'tackle_consumer_buffered_records', help: 'Fetched records waiting for a handler', labelNames: ['group'], registers }),
      lag: new Gauge({ name: 'tackle_consumer_lag_records', help: 'Records between the committed offset and the end of each assigned partition', labelNames: ['group', 'topic', 'partition'], registers }),
      streamReopened: new Counter({ name: 'tackle_consumer_stream_reopens_total', help: 'Times fetching stopped on an error and was started again', labelNames: ['group'], registers }),
    }
    consumerByRegistry.set(registry, metrics)
  }
  return metrics
}
