export const LocalKafkaErrorCodes = {
  JAVA_MISSING: 'TACKLE_LOCAL_KAFKA_JAVA_MISSING',
  MAVEN_MISSING: 'TACKLE_LOCAL_KAFKA_MAVEN_MISSING',
  FETCH_FAILED: 'TACKLE_LOCAL_KAFKA_FETCH_FAILED',
  FORMAT_FAILED: 'TACKLE_LOCAL_KAFKA_FORMAT_FAILED',
  START_FAILED: 'TACKLE_LOCAL_KAFKA_START_FAILED',
  START_TIMEOUT: 'TACKLE_LOCAL_KAFKA_START_TIMEOUT',
  STOP_TIMEOUT: 'TACKLE_LOCAL_KAFKA_STOP_TIMEOUT',
  QUORUM_NO_LEADER: 'TACKLE_LOCAL_KAFKA_QUORUM_NO_LEADER',
  NOT_CREATED: 'TACKLE_LOCAL_KAFKA_NOT_CREATED',
  NODE_UNKNOWN: 'TACKLE_LOCAL_KAFKA_NODE_UNKNOWN',
  NODE_STATE: 'TACKLE_LOCAL_KAFKA_NODE_STATE',
  SHAPE_MISMATCH: 'TACKLE_LOCAL_KAFKA_SHAPE_MISMATCH',
  LOCKED: 'TACKLE_LOCAL_KAFKA_LOCKED',
  NO_FREE_PORTS: 'TACKLE_LOCAL_KAFKA_NO_FREE_PORTS',
  TOOL_UNKNOWN: 'TACKLE_LOCAL_KAFKA_TOOL_UNKNOWN',
  INVALID_OPTIONS: 'TACKLE_LOCAL_KAFKA_INVALID_OPTIONS',
  ABORTED: 'TACKLE_LOCAL_KAFKA_ABORTED',
  NETNS_UNAVAILABLE: 'TACKLE_LOCAL_KAFKA_NETNS_UNAVAILABLE',
  NETNS_REQUIRED: 'TACKLE_LOCAL_KAFKA_NETNS_REQUIRED',
  STATE_CORRUPT: 'TACKLE_LOCAL_KAFKA_STATE_CORRUPT',
} as const

export type LocalKafkaErrorCode = (typeof LocalKafkaErrorCodes)[keyof typeof LocalKafkaErrorCodes]

/** What each code means and what a person does about it; docs/errors.md is checked against this. */
export const localKafkaErrorFixes: Record<LocalKafkaErrorCode, string> = {
  TACKLE_LOCAL_KAFKA_JAVA_MISSING: 'Install Java 17 or later (bash scripts/bootstrap.sh does it on Debian), or set JAVA_HOME.',
  TACKLE_LOCAL_KAFKA_MAVEN_MISSING: 'Install Maven (bash scripts/bootstrap.sh does it on Debian); it is needed once, to fetch the Kafka jars.',
  TACKLE_LOCAL_KAFKA_FETCH_FAILED: 'Check that Maven Central is reachable; the output of mvn above says which artifact failed.',
  TACKLE_LOCAL_KAFKA_FORMAT_FAILED: 'The storage tool refused the node directory; run `tackle kafka down --purge` and start again.',
  TACKLE_LOCAL_KAFKA_START_FAILED: 'A node exited while starting; its log tail is shown. Fix the cause, or `tackle kafka down --purge` for a clean slate.',
  TACKLE_LOCAL_KAFKA_START_TIMEOUT: 'A node did not report ready in time; its log tail is shown. The machine may be overloaded: give it more time with `tackle kafka up --timeout 10m`.',
  TACKLE_LOCAL_KAFKA_STOP_TIMEOUT: 'A node did not exit after SIGTERM within the deadline; `tackle kafka node ID kill` ends it.',
  TACKLE_LOCAL_KAFKA_QUORUM_NO_LEADER: 'The KRaft quorum has no leader; a majority of controllers must be running (`tackle kafka status`).',
  TACKLE_LOCAL_KAFKA_NOT_CREATED: 'There is no local cluster in that directory yet; run `tackle kafka up` first.',
  TACKLE_LOCAL_KAFKA_NODE_UNKNOWN: 'No node has that id; `tackle kafka status` lists the nodes.',
  TACKLE_LOCAL_KAFKA_NODE_STATE: 'The node is not in a state that allows this action; `tackle kafka status` shows its state.',
  TACKLE_LOCAL_KAFKA_SHAPE_MISMATCH: 'The directory holds a cluster of another size or version, or one without the secure listener asked for; use its size, another --dir, or `tackle kafka down --purge`.',
  TACKLE_LOCAL_KAFKA_LOCKED: 'Another tackle process is changing this cluster; wait for it, or remove the stale lock it names.',
  TACKLE_LOCAL_KAFKA_NO_FREE_PORTS: 'No free ports were found on 127.0.0.1; free some, or start from another port with `tackle kafka up --port-base` (or TACKLE_KAFKA_PORT_BASE).',
  TACKLE_LOCAL_KAFKA_TOOL_UNKNOWN: 'Use one of the tool names `tackle kafka exec --help` lists.',
  TACKLE_LOCAL_KAFKA_INVALID_OPTIONS: 'Correct the option named in the message.',
  TACKLE_LOCAL_KAFKA_ABORTED: 'The operation was cancelled; run it again to finish.',
  TACKLE_LOCAL_KAFKA_NETNS_UNAVAILABLE: 'Network namespaces need root, Linux and iproute2 (`ip`), and network faults also iptables; run as root, or leave the cluster on loopback (network faults are then skipped).',
  TACKLE_LOCAL_KAFKA_NETNS_REQUIRED: 'Network faults act on network namespaces: create the cluster with them (`tackle kafka up --netns`, or `network: \'netns\'`).',
  TACKLE_LOCAL_KAFKA_STATE_CORRUPT: 'The cluster\'s state file (cluster.json, named in the message) is not readable JSON: restore it, or run `tackle kafka down --purge` to delete that cluster and its data, then `tackle kafka up`.',
}

export interface LocalKafkaErrorFacts {
  cause?: unknown
  canRetry?: boolean
  nodeId?: number
  dir?: string
  logTail?: string
}

export class LocalKafkaError extends Error {
  readonly code: LocalKafkaErrorCode
  readonly canRetry: boolean
  readonly fix: string
  readonly nodeId: number | undefined
  readonly dir: string | undefined
  readonly logTail: string | undefined

  constructor (code: LocalKafkaErrorCode, message: string, facts: LocalKafkaErrorFacts = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause })
    this.name = 'LocalKafkaError'
    this.code = code
    this.canRetry = facts.canRetry ?? false
    this.fix = localKafkaErrorFixes[code]
    this.nodeId = facts.nodeId
    this.dir = facts.dir
    this.logTail = facts.logTail
  }
}

/** Errors from several nodes at once, e.g. two nodes failing to start in one `up`. */
export class LocalKafkaAggregateError extends AggregateError {
  readonly code: LocalKafkaErrorCode
  readonly canRetry: boolean
  readonly fix: string

  constructor (errors: LocalKafkaError[], message: string) {
    super(errors, message)
    this.name = 'LocalKafkaAggregateError'
    this.code = errors[0]?.code ?? LocalKafkaErrorCodes.START_FAILED
    this.canRetry = errors.every(e => e.canRetry)
    this.fix = localKafkaErrorFixes[this.code]
  }
}
