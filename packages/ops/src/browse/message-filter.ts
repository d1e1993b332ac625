// The filter of `tackle topic tail --filter` and the dashboard's message browser, over a record's
// decoded value. Two forms: a JSONPath (Goessner's, as jsonpath-plus implements it, whose filter
// scripts run in its sandboxed evaluator, never as JavaScript) that matches when it selects
// anything, with `$[?(...)]` testing the value itself; or a simple comparison `path OP literal`
// with OP one of == != > >= < <= and the literal JSON or a bare word, as kafka-ui's "smart filters"
// are usually written.
import { JSONPath } from 'jsonpath-plus'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export type MessageFilter = (value: unknown) => boolean

const OPERATORS = ['==', '!=', '>=', '<=', '>', '<'] as const
type Operator = (typeof OPERATORS)[number]

function field (value: unknown, path: readonly string[]): unknown {
  let here = value
  for (const step of path) {
    if (here === null || typeof here !== 'object') return undefined
    here = (here as Record<string, unknown>)[step]
  }
  return here
}

function literal (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // A bare word: `event == signup`, or single quotes.
    return /^'.*'$/.test(text) ? text.slice(1, -1) : text
  }
}

function compare (left: unknown, operator: Operator, right: unknown): boolean {
  if (operator === '==') return left === right || (left !== undefined && left !== null && typeof right !== 'object' && String(left) === String(right))
  if (operator === '!=') return !compare(left, '==', right)
  if (left === undefined || left === null) return false
  const [a, b] = typeof right === 'number' ? [Number(left), right] : [String(left), String(right)]
  if (typeof a === 'number' && Number.isNaN(a)) return false
  return operator === '>' ? a > b : operator === '>=' ? a >= b : operator === '<' ? a < b : a <= b
}

function compiled (run: (value: unknown) => unknown[]): MessageFilter {
  return value => {
    if (value === null || typeof value !== 'object') return false
    try {
      return run(value).length > 0
    } catch {
      // A message without the fields the filter reads does not match.
      return false
    }
  }
}

export function compileFilter (expression: string): MessageFilter {
  const text = expression.trim()
  if (text.startsWith('$')) {
    const onItself = text.startsWith('$[?')
    const run = (value: unknown) => JSONPath({ path: text, json: (onItself ? [value] : value) as object, wrap: true, eval: 'safe' }) as unknown[]
    try {
      run({})
    } catch (cause) {
      // A filter reading a field the empty probe lacks fails with a TypeError inside the sandbox
      // (its cause); that is a valid filter. Syntax errors and unknown names are not.
      if ((cause as { cause?: unknown }).cause instanceof TypeError) return compiled(run)
      throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `--filter ${expression}: not a JSONPath this reader understands (${(cause as Error).message})`, { cause })
    }
    return compiled(run)
  }
  const match = /^([A-Za-z_$][\w$]*(?:\.[\w$-]+)*)\s*(==|!=|>=|<=|>|<)\s*(.+)$/.exec(text)
  if (!match) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `--filter ${expression}: give a JSONPath ($.properties.plan, $[?(@.event == 'signup')]) or field OP value with OP one of ${OPERATORS.join(' ')} (event == signup, properties.amount > 10)`)
  const [, path, operator, raw] = match as unknown as [string, string, Operator, string]
  const steps = path.split('.')
  const right = literal(raw.trim())
  return value => compare(field(value, steps), operator, right)
}
