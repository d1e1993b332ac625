// Creating a topic by hand with the settings Tackle declares topics with: replication factor 3 and
// min.insync.replicas 2 (capped by the brokers there are), unclean leader election off. Anything
// weaker must be asked for (allowWeak) and comes back as named weaknesses for the caller to warn of.
import { safeTopicSettings, topicWeaknesses, type ClusterAdmin, type Weakness } from '@tackle/client'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export interface CreateTopicOptions {
  name: string
  partitions?: number
  replicationFactor?: number
  minInsyncReplicas?: number
  configs?: Readonly<Record<string, string>>
  /** Create it even though it is weaker than the safe settings. */
  allowWeak?: boolean
}

export interface CreatedTopic {
  topic: string
  partitions: number
  replicationFactor: number
  configs: Record<string, string>
  weaknesses: Weakness[]
}

export const defaultCreateTopicOptions = Object.freeze({ partitions: 6 })

export async function createTopic (admin: ClusterAdmin, options: CreateTopicOptions): Promise<CreatedTopic> {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(options.name) || options.name === '.' || options.name === '..') {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `topic name ${JSON.stringify(options.name)} is not valid: use 1 to 249 of letters, digits, . _ -`, { topic: options.name })
  }
  const brokers = (await admin.describeCluster()).brokers.length
  const safe = safeTopicSettings(brokers)
  const replicationFactor = options.replicationFactor ?? safe.replicationFactor
  if (replicationFactor > brokers) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `replication factor ${replicationFactor} needs ${replicationFactor} brokers; the cluster has ${brokers}`, { topic: options.name })
  const partitions = options.partitions ?? defaultCreateTopicOptions.partitions
  const configs: Record<string, string> = {
    'min.insync.replicas': String(options.minInsyncReplicas ?? safe.minInsyncReplicas),
    'unclean.leader.election.enable': 'false',
    ...options.configs,
  }
  const weaknesses = topicWeaknesses(replicationFactor, new Map(Object.entries(configs)), brokers)
  if (weaknesses.length > 0 && !options.allowWeak) {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `topic ${options.name} would be weaker than safe: ${weaknesses.map(w => w.problem).join('; ')}. Pass --allow-weak to create it anyway`, { topic: options.name })
  }
  if ((await admin.partitions([options.name])).length > 0) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `topic ${options.name} exists already`, { topic: options.name })
  await admin.createTopic({ name: options.name, partitions, replicationFactor, configs })
  return { topic: options.name, partitions, replicationFactor, configs, weaknesses }
}
