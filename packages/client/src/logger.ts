import pino, { type Logger } from 'pino'

let shared: Logger | undefined

/**
 * Warnings and errors as JSON on stderr, when the app passes no logger of its own: a library
 * must not write into the app's stdout, which may be its output or a protocol.
 */
export function defaultLogger (): Logger {
  shared ??= pino({ level: 'warn' }, pino.destination(2))
  return shared
}
