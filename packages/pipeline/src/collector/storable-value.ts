// What every store can hold, checked once per item before it is acknowledged, so that nothing
// the collector answers 200 for can later be refused by DuckDB or PostgreSQL: nesting at most
// MAX_DEPTH deep (walked without recursion, so a hostile body cannot overflow the stack), strings
// and keys that are well-formed UTF-16 (a lone surrogate has no UTF-8 form) and free of U+0000
// (PostgreSQL's text and JSONB refuse it), and finite numbers (JSON.parse reads 1e400 as
// Infinity, which JSON.stringify would silently turn into null).

export const MAX_DEPTH = 32

/** The first thing in `value` no store can hold, with its path, or undefined. */
export function unstorableReason (value: unknown, maxDepth = MAX_DEPTH): string | undefined {
  const stack: Array<[node: unknown, depth: number, path: string]> = [[value, 0, '']]
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop() as [unknown, number, string]
    if (typeof node === 'string') {
      const reason = badString(node)
      if (reason) return `${path || 'the event'} ${reason}`
      continue
    }
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) return `${path || 'the event'} is a number too large to store (${String(node)})`
      continue
    }
    if (typeof node !== 'object' || node === null) continue
    if (depth + 1 > maxDepth) return `event is nested deeper than ${maxDepth} levels`
    for (const [key, child] of Object.entries(node)) {
      const childPath = path === '' ? key : `${path}.${key}`
      if (!Array.isArray(node)) {
        const reason = badString(key)
        if (reason) return `a key in ${path || 'the event'} ${reason}`
      }
      stack.push([child, depth + 1, shortPath(childPath)])
    }
  }
  return undefined
}

function badString (text: string): string | undefined {
  if (!text.isWellFormed()) return 'holds a lone UTF-16 surrogate (not valid Unicode)'
  if (text.includes('\u0000')) return 'holds a NUL character (U+0000)'
  return undefined
}

/** Paths are for people: a key made of garbage is shown only in part. */
function shortPath (path: string): string {
  return path.length > 120 ? `${path.slice(0, 117)}...` : path
}
