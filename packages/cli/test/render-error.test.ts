import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { LocalKafkaError, LocalKafkaErrorCodes } from '@tackle/local-kafka'
import { CliError, CliErrorCodes } from '../src/errors.ts'
import { ERROR_CATALOGUES } from '../src/error-catalogues.ts'
import { exitCodeOf, renderError } from '../src/render-error.ts'

const ERRORS_DOC = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')

test('every error code should be unique, have a fix and be documented in docs/errors.md', () => {
  const codes = ERROR_CATALOGUES.flatMap(c => Object.values(c.codes))
  assert.equal(new Set(codes).size, codes.length)
  const fixes: Record<string, string> = Object.assign({}, ...ERROR_CATALOGUES.map(c => c.fixes))
  for (const code of codes) {
    assert.ok(fixes[code]?.length, `${code} has a fix`)
    assert.match(ERRORS_DOC, new RegExp(`\`${code}\``), `${code} is in docs/errors.md`)
  }
  const documented = [...ERRORS_DOC.matchAll(/`(TACKLE_[A-Z_]+)`/g)].map(m => m[1])
  for (const code of documented) assert.ok(codes.includes(code as never), `docs/errors.md names ${code}, which no package has`)
})

test('renderError should give the message, the fix and the code, and a stack only with --verbose', () => {
  const error = new LocalKafkaError(LocalKafkaErrorCodes.START_FAILED, 'node 2 exited while starting', { nodeId: 2 })
  const plain = renderError(error, false)
  assert.match(plain, /^tackle: node 2 exited while starting\n {2}fix: A node exited while starting/)
  assert.match(plain, /code: TACKLE_LOCAL_KAFKA_START_FAILED/)
  assert.doesNotMatch(plain, /\n\s+at /)
  assert.match(renderError(error, true), /\n\s+at /)
})

test('exitCodeOf should classify errors by code', () => {
  assert.equal(exitCodeOf(new CliError(CliErrorCodes.NO_BROKERS, 'x')), 2)
  assert.equal(exitCodeOf(new CliError(CliErrorCodes.CONFIG_INVALID, 'x')), 64)
  assert.equal(exitCodeOf(new LocalKafkaError(LocalKafkaErrorCodes.NOT_CREATED, 'x')), 2)
  assert.equal(exitCodeOf(new LocalKafkaError(LocalKafkaErrorCodes.START_TIMEOUT, 'x')), 1)
  assert.equal(exitCodeOf(Object.assign(new Error('x'), { code: 'TACKLE_LOCAL_KAFKA_TOOL_UNKNOWN' })), 64, 'by code, whatever the class')
  assert.equal(exitCodeOf(new Error('boom')), 1)
})
