// Restarts a broker with an operator's command template, e.g. `ssh {host} sudo systemctl restart
// kafka`: {id} and {host} are replaced, shell-quoted, and the command runs under sh.
import { spawn } from 'node:child_process'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import type { BrokerAddress, RestartDriver } from './restart-driver.ts'

function shellQuote (value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function renderCommand (template: string, broker: BrokerAddress): string {
  return template.replace(/\{id\}/g, String(broker.id)).replace(/\{host\}/g, shellQuote(broker.host ?? ''))
}

export function execDriver (template: string, env: NodeJS.ProcessEnv = process.env): RestartDriver {
  if (!template.includes('{id}') && !template.includes('{host}')) {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, '--exec must name the broker with {id} or {host}, e.g. \'ssh {host} sudo systemctl restart kafka\'')
  }
  return {
    name: 'exec',
    restart (broker: BrokerAddress, signal?: AbortSignal) {
      const command = renderCommand(template, broker)
      return new Promise<void>((resolve, reject) => {
        const child = spawn('sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'], signal })
        let output = ''
        const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-2000) }
        child.stdout.on('data', keep)
        child.stderr.on('data', keep)
        child.on('error', reject)
        child.on('close', (code, signalName) => {
          if (code === 0) resolve()
          else reject(new OpsError(OpsErrorCodes.RESTART_FAILED, `restarting broker ${broker.id} with \`${command}\` failed (${signalName ?? `exit ${code}`}): ${output.trim().slice(-500)}`, { brokerId: broker.id }))
        })
      })
    },
    async processState () {
      return 'unknown'
    },
  }
}
