import { defineTopic, failureTopicsOf, type TopicDefinition, type TopicSettings } from '@tackle/client'
import { eventKey, FailedEventSchema, PipelineEventSchema, type FailedEvent, type PipelineEvent } from './event.ts'

export interface PipelineTopics {
  events: TopicDefinition<PipelineEvent>
  failed: TopicDefinition<FailedEvent>
}

/** The events topic and its failed-events topic; `prefix` keeps tests' topics apart. */
export function pipelineTopics (prefix = 'tackle', partitions = 6): PipelineTopics {
  return {
    events: defineTopic<PipelineEvent>({ name: `${prefix}.events`, schema: PipelineEventSchema, key: eventKey, partitions }),
    failed: defineTopic<FailedEvent>({ name: `${prefix}.events.failed`, schema: FailedEventSchema, key: f => f.writeKey ?? undefined, partitions: 3 }),
  }
}

/** Every topic the pipeline needs, with the consumer framework's retry and dead-letter companions. */
export function allPipelineTopics (topics: PipelineTopics): TopicSettings[] {
  const main = [topics.events, topics.failed]
  return [...main, ...main.flatMap(t => failureTopicsOf(t.name))]
}
