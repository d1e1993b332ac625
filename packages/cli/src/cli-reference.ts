// docs/cli.md, from the command definitions themselves (npm run docs:cli): each command's --help as
// the program prints it, so the reference cannot say what the program does not do.
import type { Command } from 'commander'
import { commandPath } from './command-path.ts'

const HELP_WIDTH = 100

/** Everything `tackle <path> --help` prints, the help text before and after included. */
function fullHelp (command: Command): string {
  let text = ''
  command.configureHelp({ helpWidth: HELP_WIDTH })
  command.configureOutput({ writeOut: chunk => { text += chunk }, writeErr: chunk => { text += chunk } })
  command.outputHelp()
  return text.trimEnd()
}

function walk (command: Command): Command[] {
  return [command, ...command.commands.flatMap(walk)]
}

export function cliReference (root: Command): string {
  const commands = walk(root)
  const toc = commands.map(c => `- [\`${commandPath(c)}\`](#${commandPath(c).replaceAll(' ', '-')})`).join('\n')
  const sections = commands.map(c => `## ${commandPath(c)}\n\n\`\`\`text\n${fullHelp(c)}\n\`\`\``).join('\n\n')
  return `# The tackle command\n\nGenerated from the command definitions by \`npm run docs:cli\`; a test fails when it drifts from them.\nDurations take units (\`90s\`, \`30m\`, \`6h\`, \`7d\`) and rates take sizes (\`50MiB/s\`).\n\n${toc}\n\n${sections}\n`
}
