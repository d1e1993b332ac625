// Reads /proc to tell whether a recorded pid is still our Kafka node. A pid alone is not enough:
// after a crash the kernel may hand it to an unrelated process, so the command line must carry
// the node's marker too.
import { readdir, readFile } from 'node:fs/promises'

export type ProcessState = 'running' | 'paused' | 'gone'

export function nodeMarker (nodeDir: string): string {
  return `-Dtackle.node.dir=${nodeDir}`
}

/**
 * The process's arguments, or undefined once it is gone. A live process's cmdline can read empty
 * or fail for a moment (the kernel copies it out of the process's memory, which a JVM that is
 * mapping its heap holds locked), so that is read again before the process counts as gone.
 */
async function cmdline (pid: number): Promise<string[] | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let missing = false
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch((error: NodeJS.ErrnoException) => {
      missing = error.code === 'ENOENT' || error.code === 'ESRCH'
      return undefined
    })
    if (raw) return raw.split('\0')
    if (missing) return undefined
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return undefined
}

/** The fields of /proc/PID/stat after the command name in parentheses (which may hold spaces): state, ppid, … */
function statFieldsAfterName (stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** The state letter of /proc/PID/stat. */
export function parseStatState (stat: string): string | undefined {
  return statFieldsAfterName(stat)[0]
}

export async function processState (pid: number | null | undefined, marker: string): Promise<ProcessState> {
  if (!pid) return 'gone'
  const args = await cmdline(pid)
  if (!args?.includes(marker)) return 'gone'
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  const state = parseStatState(stat)
  if (state === undefined || state === 'Z' || state === 'X' || state === 'x') return 'gone'
  return state === 'T' || state === 't' ? 'paused' : 'running'
}

export async function residentMemoryBytes (pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  return match ? Number(match[1]) * 1024 : undefined
}

/** Every process whose command line has an argument starting with `prefix`: strays of a crashed run. */
export async function findProcessesByArgPrefix (prefix: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter(name => /^\d+$/.test(name)).map(Number)
  const found: number[] = []
  for (const pid of pids) {
    if (pid === process.pid || await isKernelThread(pid)) continue
    const args = await cmdline(pid)
    if (args?.some(arg => arg.startsWith(prefix))) found.push(pid)
  }
  return found
}

// Kernel threads (kthreadd, pid 2, and its children) have an empty command line for good: reading
// it again and again, as cmdline does for a JVM, would cost a fifth of a second each.
async function isKernelThread (pid: number): Promise<boolean> {
  if (pid === 2) return true
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return statFieldsAfterName(stat)[1] === '2'
}

export function isPidAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
