// ElectLeaders (API key 43), version 2, which @platformatic/kafka does not implement: the request
// behind kafka-leader-election. Layouts from Kafka's ElectLeadersRequest.json and
// ElectLeadersResponse.json (flexible since version 2).
import { createAPI, Writer, type Reader } from '@platformatic/kafka'

export const ElectionTypes = { PREFERRED: 0, UNCLEAN: 1 } as const

export type ElectionType = (typeof ElectionTypes)[keyof typeof ElectionTypes]

export interface ElectLeadersTopic {
  topic: string
  partitions: number[]
}

export interface ElectLeadersPartitionResult {
  partitionId: number
  errorCode: number
  errorMessage: string | null
}

export interface ElectLeadersResponse {
  throttleTimeMs: number
  errorCode: number
  results: Array<{ topic: string, partitions: ElectLeadersPartitionResult[] }>
}

/*
  ElectLeaders Request (Version: 2) => election_type [topic_partitions] timeout_ms TAG_BUFFER
    election_type => INT8
    topic_partitions => topic [partitions] TAG_BUFFER   (null: every partition)
      topic => COMPACT_STRING
      partitions => INT32
    timeout_ms => INT32
*/
export function createRequest (electionType: ElectionType, topics: ElectLeadersTopic[] | null, timeoutMs: number): Writer {
  return Writer.create()
    .appendInt8(electionType)
    .appendArray(topics, (w, t) => {
      w.appendString(t.topic).appendArray(t.partitions, (w, p) => w.appendInt32(p), true, false)
    })
    .appendInt32(timeoutMs)
    .appendTaggedFields()
}

/*
  ElectLeaders Response (Version: 2) => throttle_time_ms error_code [replica_election_results] TAG_BUFFER
    throttle_time_ms => INT32
    error_code => INT16
    replica_election_results => topic [partition_result] TAG_BUFFER
      topic => COMPACT_STRING
      partition_result => partition_id error_code error_message TAG_BUFFER
        partition_id => INT32
        error_code => INT16
        error_message => COMPACT_NULLABLE_STRING
  Per-partition errors are returned, not thrown: ELECTION_NOT_NEEDED is the usual good answer.
*/
export function parseResponse (_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): ElectLeadersResponse {
  const response: ElectLeadersResponse = {
    throttleTimeMs: reader.readInt32(),
    errorCode: reader.readInt16(),
    results: reader.readArray(r => ({
      topic: r.readString(),
      partitions: r.readArray(r => ({ partitionId: r.readInt32(), errorCode: r.readInt16(), errorMessage: r.readNullableString() })),
    })),
  }
  reader.readTaggedFields()
  return response
}

export const electLeadersV2 = createAPI<[electionType: ElectionType, topics: ElectLeadersTopic[] | null, timeoutMs: number], ElectLeadersResponse>(43, 2, createRequest, parseResponse)
