// Parameter lists for the analytics SQL: `$n` placeholders numbered from an offset, and long
// lists split into chunks that stay far below PostgreSQL's 65,535 parameters per statement.
export type Param = string | number | null

export function placeholders (count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ')
}

export function chunks<T> (items: readonly T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Collects parameters while SQL is built, handing out their `$n`. */
export class Params {
  readonly values: Param[] = []

  add (value: Param): string {
    this.values.push(value)
    return `$${this.values.length}`
  }

  time (ms: number): string {
    return `${this.add(new Date(ms).toISOString())}::TIMESTAMPTZ`
  }
}
