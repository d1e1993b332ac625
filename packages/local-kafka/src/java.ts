import { join } from 'node:path'
import { LocalKafkaError, LocalKafkaErrorCodes } from './errors.ts'
import { runCommand } from './run-command.ts'

export const MIN_JAVA_MAJOR = 17

/** JAVA_HOME wins over PATH, as Kafka's own kafka-run-class.sh does. */
export function javaBinary (env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java'
}

export function parseJavaMajor (settingsOutput: string): number | undefined {
  const match = /java\.specification\.version = (\d+)(?:\.(\d+))?/.exec(settingsOutput)
  if (!match) return undefined
  // Java 8 and older report "1.8": the major is the second number.
  return match[1] === '1' ? Number(match[2]) : Number(match[1])
}

export async function ensureJava (env: NodeJS.ProcessEnv = process.env): Promise<{ binary: string, major: number }> {
  const binary = javaBinary(env)
  const result = await runCommand(binary, ['-XshowSettings:properties', '-version'], { env })
  const major = result.code === 0 ? parseJavaMajor(result.stderr + result.stdout) : undefined
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    const found = major === undefined ? `no working java at "${binary}"` : `Java ${major}`
    throw new LocalKafkaError(LocalKafkaErrorCodes.JAVA_MISSING, `Kafka needs Java ${MIN_JAVA_MAJOR} or later; found ${found}`)
  }
  return { binary, major }
}
