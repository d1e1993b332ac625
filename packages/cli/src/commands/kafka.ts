import { Command } from 'commander'
import { kafkaAddBrokerCommand } from './kafka-add-broker.ts'
import { kafkaDownCommand } from './kafka-down.ts'
import { kafkaExecCommand } from './kafka-exec.ts'
import { kafkaNodeCommand } from './kafka-node.ts'
import { kafkaRemoveNodeCommand } from './kafka-remove-node.ts'
import { kafkaStatusCommand } from './kafka-status.ts'
import { kafkaUpCommand } from './kafka-up.ts'

export function kafkaCommand (): Command {
  return new Command('kafka')
    .description('run real Apache Kafka locally: start, stop and inspect nodes, run Kafka\'s tools')
    .enablePositionalOptions()
    .addHelpText('after', '\nExample:\n  tackle kafka up && tackle kafka status\n\nExit codes: as each command says in its --help.')
    .addCommand(kafkaUpCommand())
    .addCommand(kafkaDownCommand())
    .addCommand(kafkaStatusCommand())
    .addCommand(kafkaNodeCommand())
    .addCommand(kafkaAddBrokerCommand())
    .addCommand(kafkaRemoveNodeCommand())
    .addCommand(kafkaExecCommand())
}
