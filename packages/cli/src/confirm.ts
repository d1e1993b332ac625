import { createInterface } from 'node:readline/promises'
import { CliError, CliErrorCodes } from './errors.ts'

/**
 * Asks on the terminal before a change; without a terminal it refuses, naming --yes, rather
 * than waiting for an answer that cannot come.
 */
export async function confirm (question: string, what: string): Promise<void> {
  if (!process.stdin.isTTY) throw new CliError(CliErrorCodes.USAGE, `${what} changes the cluster: confirm on a terminal, or pass --yes`)
  const prompt = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await prompt.question(`${question} [y/N] `)
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(CliErrorCodes.USAGE, 'not confirmed: nothing was changed')
  } finally {
    prompt.close()
  }
}
