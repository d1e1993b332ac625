import assert from 'node:assert/strict'
import { test } from 'node:test'
import { faultByName, faultNames, NETWORK_FAULTS } from '../../src/faults/catalogue.ts'

test('faultNames should list every fault and mix, each found by its name', () => {
  assert.deepEqual(faultNames(), ['kill-leader', 'stop-leader', 'pause', 'kill-controller', 'pause-followers', 'roll', 'partition-leader', 'partition-half', 'latency', 'mix'])
  for (const name of faultNames()) assert.equal(faultByName(name)?.name, name)
  assert.equal(faultByName('meteor'), undefined)
  assert.deepEqual(NETWORK_FAULTS, ['partition-leader', 'partition-half', 'latency'])
})
