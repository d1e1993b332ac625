export { createConsumer, createProducer, createTestTopic, testBrokers, type CleanupContext } from './factories.ts'
export { readAll, type DrainedRecord } from './read-all.ts'
export { checkSequences, producerSequenceOrigin, type AckedRecord, type Position, type ReadRecord, type SequenceReport, type ValueOrigin } from './sequence-checker.ts'
export { testTopicName } from './topics.ts'
