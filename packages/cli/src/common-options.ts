import { Command, InvalidArgumentError, Option } from 'commander'

export type CommonOption = 'json' | 'dir' | 'brokers'

/** Adds the shared flags; every command gets --verbose and --config (the config file). */
export function withCommonOptions (command: Command, options: readonly CommonOption[]): Command {
  if (options.includes('json')) command.option('--json', 'print one JSON object on stdout, for machines')
  if (options.includes('dir')) command.addOption(new Option('--dir <dir>', 'the local cluster\'s directory').env('TACKLE_KAFKA_DIR'))
  if (options.includes('brokers')) command.option('--brokers <list>', 'bootstrap servers HOST:PORT,...; else KAFKA_BROKERS, the config file, the local cluster')
  command.option('--config <file>', 'the config file (default: ./tackle.config.json, or TACKLE_CONFIG)')
  return command.option('-v, --verbose', 'show stack traces and causes of errors')
}

export function parseWholeNumber (name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`)
    return n
  }
}

/** An AbortSignal that fires on Ctrl-C or SIGTERM, so long operations can clean up after themselves. */
export function interruptSignal (): AbortSignal {
  const controller = new AbortController()
  const abort = () => controller.abort(new Error('interrupted'))
  process.once('SIGINT', abort)
  process.once('SIGTERM', abort)
  return controller.signal
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `30m`, `90s`, `1h`, `1500ms`, `7d`; `bareUnit` is what a plain number means, for flags that took one before units. */
export function parseDuration (value: string, bareUnit?: 'ms' | 's'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim())
  const unit = match?.[2] ?? bareUnit
  if (!match || unit === undefined) throw new InvalidArgumentError(`give a duration with its unit, such as 30m, 90s, 1h or 7d${/^\d+$/.test(value.trim()) ? ` (${value.trim()} has none)` : ''}`)
  const ms = Number(match[1]) * (DURATION_UNITS[unit] as number)
  if (!(ms > 0)) throw new InvalidArgumentError('give a duration greater than 0')
  return ms
}

/** The shortest exact spelling: 600000 → 10m, 1500 → 1500ms. */
export function formatDurationFlag (ms: number): string {
  const [unit, size] = Object.entries(DURATION_UNITS).reverse().find(([, size]) => ms % size === 0) ?? ['ms', 1]
  return `${ms / size}${unit}`
}

/** A duration flag whose --help shows its default in the units it takes. */
export function durationOption (flags: string, description: string, defaultMs?: number, bareUnit?: 'ms' | 's'): Option {
  const option = new Option(flags, description).argParser((value: string) => parseDuration(value, bareUnit))
  return defaultMs === undefined ? option : option.default(defaultMs, formatDurationFlag(defaultMs))
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1000, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

/** 52428800 → 50MiB/s: the largest binary unit that divides it. */
export function formatByteRate (bytesPerSec: number): string {
  const [unit, size] = ([['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const).find(([, size]) => bytesPerSec % size === 0) ?? ['B', 1]
  return `${bytesPerSec / size}${unit}/s`
}

/** A byte-rate flag whose --help shows its default as a rate. */
export function byteRateOption (flags: string, description: string, defaultBytesPerSec: number): Option {
  return new Option(flags, description).argParser(parseByteRate).default(defaultBytesPerSec, formatByteRate(defaultBytesPerSec))
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i
const RATE = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?(?:\/s)?$/i

/** The bytes a SIZE or RATE match spells. */
function bytesOf (match: RegExpExecArray): number {
  return Math.round(Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] as number))
}

/** A size in bytes: `32KiB`, `500KB`, `1MiB`, `32768`; undefined when it is not one. */
export function parseSize (value: string): number | undefined {
  const match = SIZE.exec(value.trim())
  return match ? bytesOf(match) : undefined
}

/** A rate in bytes per second: `50MiB/s`, `10MB/s`, `1048576`. */
export function parseByteRate (value: string): number {
  const match = RATE.exec(value.trim())
  if (!match) throw new InvalidArgumentError('give a rate such as 50MiB/s, 10MB/s or a number of bytes per second')
  return bytesOf(match)
}
