// Progress for long operations, on stderr so that stdout stays clean for --json. On a terminal one
// line is redrawn in place; elsewhere (CI logs) a line is printed when the step changes and at most
// every few seconds otherwise.

export interface ProgressStream {
  write (text: string): unknown
  isTTY?: boolean
}

export function formatDuration (ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}

/**
 * The remaining time: from the fraction done when there is one, else from how long this step took
 * last time. Undefined when neither is known.
 */
export function estimateRemainingMs (elapsedMs: number, fraction: number | undefined, expectedMs: number | undefined): number | undefined {
  if (fraction !== undefined && fraction > 0 && fraction < 1) return elapsedMs / fraction * (1 - fraction)
  if (expectedMs !== undefined) return Math.max(0, expectedMs - elapsedMs)
  return undefined
}

export interface ProgressDetail {
  /** Items done of `total`, shown as done/total and giving the ETA. */
  done?: number
  total?: number
  /** How long the step took last time: the ETA before any item is done. */
  expectedMs?: number
  /** Names the step when its label changes as it goes (the ETA is timed per step). */
  step?: string
  /** 'bytes' draws done/total as a bar with sizes instead of a count. */
  unit?: 'count' | 'bytes'
}

export function formatBytes (bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

function amount (done: number, total: number, unit: ProgressDetail['unit']): string {
  if (unit !== 'bytes') return `${done}/${total}`
  const width = 20
  const filled = Math.round(Math.min(1, done / total) * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatBytes(done)} of ${formatBytes(total)}`
}

export class Progress {
  readonly #stream: ProgressStream
  readonly #enabled: boolean
  readonly #plainEveryMs: number
  readonly #started = Date.now()
  #stepStarted = Date.now()
  #label = ''
  #step = ''
  #detail: ProgressDetail = {}
  #lastText = ''
  #lastPrinted = 0
  #drawn = false
  #timer: NodeJS.Timeout | undefined

  constructor (options: { stream?: ProgressStream, enabled?: boolean, plainEveryMs?: number } = {}) {
    this.#stream = options.stream ?? process.stderr
    this.#enabled = options.enabled ?? true
    this.#plainEveryMs = options.plainEveryMs ?? 5000
  }

  /** Reports a step; a new label starts a new step. It is redrawn every second until done(). */
  update (label: string, detail: ProgressDetail = {}): void {
    if (!this.#enabled) return
    const step = detail.step ?? label
    if (step !== this.#step) {
      this.#step = step
      this.#stepStarted = Date.now()
    }
    this.#label = label
    this.#detail = detail
    this.#timer ??= setInterval(() => this.#render(), 1000).unref()
    this.#render()
  }

  #render (): void {
    const now = Date.now()
    const { done, total, expectedMs } = this.#detail
    const counted = done !== undefined && total !== undefined && total > 0
    const eta = estimateRemainingMs(now - this.#stepStarted, counted ? done / total : undefined, expectedMs)
    const text = `${this.#label}${counted ? ` ${amount(done, total, this.#detail.unit)}` : ''}`
    const line = `${text}  ${formatDuration(now - this.#started)} elapsed${eta === undefined ? '' : `, ETA ${formatDuration(eta)}`}`
    if (this.#stream.isTTY) {
      this.#stream.write(`\r\x1b[2K${line}`)
      this.#drawn = true
    } else if (text !== this.#lastText || now - this.#lastPrinted >= this.#plainEveryMs) {
      this.#lastText = text
      this.#stream.write(`${line}\n`)
      this.#lastPrinted = now
    }
  }

  /** Ends the progress line; `message` is printed whatever the stream. */
  done (message?: string): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    if (!this.#enabled) return
    if (this.#drawn) this.#stream.write('\r\x1b[2K')
    this.#drawn = false
    if (message) this.#stream.write(`${message}\n`)
  }
}
