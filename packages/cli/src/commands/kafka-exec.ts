import { Command } from 'commander'
import { execKafkaTool, KAFKA_TOOLS, needsBootstrapServer } from '@tackle/local-kafka'
import { withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { toolSecurityArgs } from '../tool-security.ts'

export function kafkaExecCommand (): Command {
  return withCommonOptions(new Command('exec'), ['dir', 'brokers'])
    .description('run one of Kafka\'s own command-line tools with the fetched jars')
    .argument('<tool>', 'the tool, as named in Kafka\'s bin/ (kafka-topics or kafka-topics.sh)')
    .argument('[args...]', 'its arguments; --bootstrap-server is added when they name no cluster')
    .passThroughOptions()
    .addHelpText('after', `\nTools:\n${Object.entries(KAFKA_TOOLS).map(([t, c]) => `  ${t.padEnd(28)} ${c}`).join('\n')}\n\nExample:\n  tackle kafka exec kafka-topics --describe --topic tackle.events\n\nWith KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD\nor KAFKA_SSL_CA_FILE set, a client config file is passed as --command-config.\n\nExit codes: the tool's own; 2 cannot reach the cluster, 64 unknown tool.`)
    .action(async (tool: string, args: string[], flags: CommonFlags) => {
      const context = await commandContext(flags)
      const extra = needsBootstrapServer(tool, args) ? ['--bootstrap-server', (await context.brokers()).bootstrap] : []
      const distribution = await context.cluster.distribution()
      const secure = await toolSecurityArgs(tool, args, context.security())
      try {
        process.exitCode = await execKafkaTool(distribution, tool, [...extra, ...secure.args, ...args], context.env)
      } finally {
        await secure.cleanup()
      }
    })
}
