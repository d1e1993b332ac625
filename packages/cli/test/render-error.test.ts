import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { LocalKafkaError, LocalKafkaErrorCodes } from '@tackle/local-kafka'
import { CliError, CliErrorCodes } from '../src/errors.ts'
import { ERROR_CATALOGUES } from '../src/error-catalogues.ts'
import { ClientError, ClientErrorCodes } from '@tackle/client'
import { errorJson, exitCodeOf, normalizeError, renderError } from '../src/render-error.ts'

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

test('normalizeError should turn a lost connection deep in a library error into "no broker answers", exit 2', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' })
  const wire = Object.assign(new Error('listApis failed 4 times'), { code: 'PLT_KFK_MULTIPLE', errors: [Object.assign(new Error('Connection to 127.0.0.1:9092 failed.'), { code: 'PLT_KFK_NETWORK', cause: refused })] })
  const coded = normalizeError(wire, '`tackle events replay`') as ClientError
  assert.equal(coded.code, 'TACKLE_CLIENT_UNREACHABLE')
  assert.match(coded.message, /^`tackle events replay` lost the cluster: listApis failed 4 times: connect ECONNREFUSED 127\.0\.0\.1:9092$/)
  assert.equal(exitCodeOf(coded), 2)
  assert.deepEqual(Object.keys(errorJson(coded).error), ['code', 'message', 'fix'])
  assert.equal(exitCodeOf(new ClientError(ClientErrorCodes.ADMIN_FAILED, 'describe cluster failed', { cause: wire })), 2, 'an admin request whose connection failed')
  assert.equal(exitCodeOf(new ClientError(ClientErrorCodes.ADMIN_FAILED, 'describe cluster failed')), 1)
})

test('normalizeError should give an unforeseen error the command, the innermost reason, a fix and a code', () => {
  const cause = Object.assign(new Error('EACCES: permission denied, open \'/var/lib/tackle/x.db\''), { code: 'EACCES' })
  const coded = normalizeError(new Error('opening the store failed', { cause }), '`tackle start`') as CliError
  assert.equal(coded.code, 'TACKLE_CLI_UNEXPECTED')
  assert.match(coded.message, /^`tackle start` failed unexpectedly: opening the store failed: EACCES: permission denied, open '\/var\/lib\/tackle\/x\.db'$/)
  assert.match(renderError(coded, false), /fix: .*--verbose/)
  const mine = new CliError(CliErrorCodes.USAGE, 'x')
  assert.equal(normalizeError(mine, 'tackle'), mine, 'Tackle\'s own errors pass through')
})
