// Writes docs/errors.md from each package's error catalogue (npm run docs:errors);
// packages/cli/test/render-error.test.ts fails when the two drift apart.
import { writeFileSync } from 'node:fs'
import { ERROR_CATALOGUES } from '../packages/cli/src/error-catalogues.ts'

let text = '# Error codes\n\nEvery error Tackle raises carries a stable `code`, a `canRetry` flag and the facts a person needs to act. The CLI prints the message, the fix and the code; `--verbose` adds the stack and causes. Classify errors by code, never by class.\n'
for (const { packageName: name, codes, fixes } of ERROR_CATALOGUES) {
  text += `\n## ${name}\n\n| code | what to do |\n| --- | --- |\n`
  for (const code of Object.values(codes)) text += `| \`${code}\` | ${fixes[code]} |\n`
}
writeFileSync(new URL('../docs/errors.md', import.meta.url), text)
