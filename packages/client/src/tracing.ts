// Produce and consume spans through @opentelemetry/api, with W3C trace context carried in Kafka
// headers (OpenTelemetry's messaging semantic conventions). With no SDK registered the API is a
// no-op: nothing is injected and the spans cost nothing.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api'

const TRACER = '@tackle/client'

function messagingAttributes (topic: string, operation: 'send' | 'process'): Record<string, string> {
  return { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': operation }
}

/** Starts a PRODUCER span and writes its context into `headers` for the consumer to continue. */
export function startSendSpan (topic: string, headers: Record<string, string>): Span {
  const span = trace.getTracer(TRACER).startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes: messagingAttributes(topic, 'send') })
  propagation.inject(trace.setSpan(context.active(), span), headers)
  return span
}

export function endSpan (span: Span, error?: unknown, attributes: Record<string, string | number> = {}): void {
  span.setAttributes(attributes)
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : new Error(String(error)))
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
  }
  span.end()
}

/** Runs `work` in a CONSUMER span whose parent is the producer's span from the record's headers. */
export async function inProcessSpan<R> (topic: string, headers: ReadonlyMap<string, string>, attributes: Record<string, string | number>, work: () => Promise<R>): Promise<R> {
  const parent = propagation.extract(context.active(), Object.fromEntries(headers))
  const span = trace.getTracer(TRACER).startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: { ...messagingAttributes(topic, 'process'), ...attributes } }, parent)
  try {
    const result = await context.with(trace.setSpan(parent, span), work)
    endSpan(span)
    return result
  } catch (error) {
    endSpan(span, error)
    throw error
  }
}
