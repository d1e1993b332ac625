// Writes docs/errors.md from each package's error catalogue (npm run docs:errors);
// packages/cli/test/render-error.test.ts fails when the two drift apart.
import { writeFileSync } from 'node:fs'
import { ClientErrorCodes, clientErrorFixes } from '@tackle/client'
import { LocalKafkaErrorCodes, localKafkaErrorFixes } from '@tackle/local-kafka'
import { OpsErrorCodes, opsErrorFixes } from '@tackle/ops'
import { CliErrorCodes, cliErrorFixes } from '../packages/cli/src/errors.ts'

const catalogues: Array<[string, Record<string, string>, Record<string, string>]> = [
  ['@tackle/local-kafka', LocalKafkaErrorCodes, localKafkaErrorFixes],
  ['@tackle/client', ClientErrorCodes, clientErrorFixes],
  ['@tackle/ops', OpsErrorCodes, opsErrorFixes],
  ['@tackle/cli', CliErrorCodes, cliErrorFixes],
]

let text = '# Error codes\n\nEvery error Tackle raises carries a stable `code`, a `canRetry` flag and the facts a person needs to act. The CLI prints the message, the fix and the code; `--verbose` adds the stack and causes. Classify errors by code, never by class.\n'
for (const [name, codes, fixes] of catalogues) {
  text += `\n## ${name}\n\n| code | what to do |\n| --- | --- |\n`
  for (const code of Object.values(codes)) text += `| \`${code}\` | ${fixes[code]} |\n`
}
writeFileSync(new URL('../docs/errors.md', import.meta.url), text)
