import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseQuorumStatus } from '../src/quorum.ts'

// As kafka-metadata-quorum 4.4 prints it.
const STATUS = `ClusterId:              7vkDO4pWqEpbAfhyyeRmQw
LeaderId:               3
LeaderEpoch:            2
HighWatermark:          57
MaxFollowerLag:         0
MaxFollowerLagTimeMs:   241
CurrentVoters:          [{"id": 1, "directoryId": "zTrYimASqbJxezsE4L0PjQ", "endpoints": ["CONTROLLER://127.0.0.1:26100"]}, {"id": 2, "directoryId": "ezxYUvgxZmYSCoaWBZdSmw", "endpoints": ["CONTROLLER://127.0.0.1:26101"]}, {"id": 3, "directoryId": "c1XMjH_hsnkjjN0Ru7JUaQ", "endpoints": ["CONTROLLER://127.0.0.1:26102"]}]
CurrentObservers:       [{"id": 4, "directoryId": "x", "endpoints": []}]
`

test('parseQuorumStatus should read the leader, epoch, voters and observers', () => {
  assert.deepEqual(parseQuorumStatus(STATUS), { leaderId: 3, leaderEpoch: 2, voters: [1, 2, 3], observers: [4] })
})

test('parseQuorumStatus should read the static-quorum form of voter lists', () => {
  const status = parseQuorumStatus('LeaderId: 1\nLeaderEpoch: 5\nCurrentVoters: [1,2,3]\nCurrentObservers: []\n')
  assert.deepEqual(status, { leaderId: 1, leaderEpoch: 5, voters: [1, 2, 3], observers: [] })
})

test('parseQuorumStatus should report no leader as -1 and reject output without one', () => {
  assert.equal(parseQuorumStatus('LeaderId: -1\nCurrentVoters: []')?.leaderId, -1)
  assert.equal(parseQuorumStatus('Error: timed out'), undefined)
})
