// tackle query FILE|-: one insight query (the JSON of POST /api/query) run from the shell, on the
// store directly, or through a running dashboard (--dashboard) when `tackle start` holds the
// DuckDB file. Prints a table, or the result as JSON with --json.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Command } from 'commander'
import { Analytics, InsightQuerySchema, type InsightResult } from '@tackle/analytics'
import { openStore } from '@tackle/pipeline'
import { withCommonOptions } from '../common-options.ts'
import { commandContext, type CommonFlags } from '../context.ts'
import { CliError, CliErrorCodes } from '../errors.ts'
import { printJson, table } from '../output.ts'
import { pipelineSettings } from '../pipeline-settings.ts'
import { formatInsight } from './query-table.ts'

interface QueryFlags extends CommonFlags {
  dashboard?: string
  schema?: boolean
}

async function readQuery (file: string): Promise<unknown> {
  let text: string
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8')
  } catch (error) {
    throw new CliError(CliErrorCodes.USAGE, `cannot read the query from ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CliError(CliErrorCodes.USAGE, `the query in ${file === '-' ? 'stdin' : file} is not JSON: ${(error as Error).message}`)
  }
}

async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function viaDashboard (url: string, token: string, query: unknown): Promise<InsightResult> {
  let response: Response
  try {
    response = await fetch(new URL('/api/query', url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(query) })
  } catch (error) {
    throw new CliError(CliErrorCodes.USAGE, `cannot reach the dashboard at ${url}: ${(error as Error).message}`)
  }
  const body = await response.json().catch(() => ({})) as { code?: string, message?: string }
  if (!response.ok) throw Object.assign(new Error(body.message ?? `the dashboard answered ${response.status}`), { code: body.code ?? 'TACKLE_CLI_USAGE' })
  return body as InsightResult
}

export function queryCommand (): Command {
  return withCommonOptions(new Command('query'), ['json'])
    .description('run an insight query (trends, funnel, retention, sessions) from a JSON file, or - for stdin')
    .argument('[file]', 'the query as JSON, or - to read it from stdin')
    .option('--dashboard <url>', 'ask a running dashboard (needed while `tackle start` holds the DuckDB file); its token from TACKLE_DASHBOARD_TOKEN or the config')
    .option('--schema', 'print the JSON Schema of a query and exit')
    .addHelpText('after', '\nExample:\n  echo \'{"kind":"funnel","steps":[{"event":"Signed Up"},{"event":"Order Completed"}]}\' | tackle query -\n  tackle query retention.json --dashboard http://127.0.0.1:3000 --json\n\nExit codes: 0 answered, 1 the store failed, 64 a bad query (the message names the field).\n')
    .action(async (file: string | undefined, flags: QueryFlags) => {
      if (flags.schema) {
        printJson(InsightQuerySchema)
        return
      }
      if (file === undefined) throw new CliError(CliErrorCodes.USAGE, 'give the query as a file, or - to read it from stdin (tackle query --help)')
      const query = await readQuery(file)
      const context = await commandContext(flags)
      const settings = await pipelineSettings(context.config, context.env)
      const dashboard = flags.dashboard ?? context.env.TACKLE_DASHBOARD_URL
      let result: InsightResult
      if (dashboard !== undefined) {
        result = await viaDashboard(dashboard, settings.dashboardToken, query)
      } else {
        const store = await openStore({ databaseUrl: settings.databaseUrl, duckdbPath: join(settings.dataDir, 'events.duckdb') })
        const analytics = new Analytics(store, { resolveEveryMs: 0 })
        try {
          result = await analytics.query(query)
        } finally {
          analytics.close()
          await store.close()
        }
      }
      if (flags.json) printJson(result)
      else process.stdout.write(`${table(formatInsight(result))}\n`)
    })
}
