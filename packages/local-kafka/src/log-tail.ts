import { open, stat } from 'node:fs/promises'

export async function fileSize (file: string): Promise<number> {
  return stat(file).then(s => s.size, () => 0)
}

/** The text of `file` from byte `offset` on, at most `maxBytes` of its end. */
export async function readFrom (file: string, offset: number, maxBytes = 4 * 1024 * 1024): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined)
  if (!handle) return ''
  try {
    const size = (await handle.stat()).size
    const start = Math.max(offset > size ? 0 : offset, size - maxBytes)
    const buffer = Buffer.alloc(size - start)
    await handle.read(buffer, 0, buffer.length, start)
    return buffer.toString('utf8')
  } finally {
    await handle.close()
  }
}

const PROBLEM = /\b(ERROR|FATAL)\b|Exception|Caused by|Error:/

/**
 * What a person needs from a log when a node failed: the problem lines of its last part (errors,
 * exceptions and their causes) or, when there are none, its last lines.
 */
export function relevantTail (text: string, maxLines = 20): string {
  const lines = text.split('\n').filter(line => line.trim() !== '')
  const problems = lines.filter(line => PROBLEM.test(line))
  return (problems.length > 0 ? problems : lines).slice(-maxLines).join('\n')
}
