// Writes docs/cli.md from the command definitions (npm run docs:cli);
// test/docs-drift.test.ts fails when the two drift apart.
import { writeFileSync } from 'node:fs'
import { cliReference } from '../packages/cli/src/cli-reference.ts'
import { program } from '../packages/cli/src/main.ts'

writeFileSync(new URL('../docs/cli.md', import.meta.url), cliReference(program()))
