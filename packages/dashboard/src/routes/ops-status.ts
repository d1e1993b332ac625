// The HTTP status of each Ops and client refusal the topic and group routes pass on: the caller's
// mistake is 4xx with the code and message, a cluster that does not answer is 503.
export const OPS_HTTP_STATUS: Readonly<Record<string, number>> = Object.freeze({
  TACKLE_OPS_INVALID_OPTIONS: 400,
  TACKLE_OPS_OFFSET_OUT_OF_RANGE: 400,
  TACKLE_OPS_GROUP_NOT_FOUND: 404,
  TACKLE_OPS_TOPIC_NOT_FOUND: 404,
  TACKLE_OPS_GROUP_ACTIVE: 409,
  TACKLE_OPS_TOPIC_IN_USE: 409,
  TACKLE_OPS_READ_BACK_MISMATCH: 409,
  TACKLE_CLIENT_UNREACHABLE: 503,
})
