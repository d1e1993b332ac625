// Empty a broker before it is removed for good: its replicas spread over the other live brokers,
// each keeping its position, to the least loaded broker on a rack the partition is not on yet.
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { executeMoves, lookWithin, resolveReassignOptions, type ReassignInput, type ReassignResult } from '../reassign/execute-moves.ts'
import { finishRemoval, type UnregisterOutcome } from './unregister-broker.ts'
import { decommissionMoves } from '../reassign/plan-moves.ts'
import type { PlanOnly } from './replace-broker.ts'

export type DecommissionBrokerOptions = ReassignInput & {
  brokerId: number
  dryRun?: boolean
  /** Unregister the emptied broker afterwards: true always, false never, by default when it is not running. */
  unregister?: boolean
}

export async function decommissionBroker (options: DecommissionBrokerOptions): Promise<(ReassignResult & { unregister: UnregisterOutcome }) | PlanOnly> {
  const { brokerId } = options
  const purpose = `decommission broker ${brokerId}`
  const plan = async () => {
    const { snapshot } = await lookWithin(resolveReassignOptions(options), Date.now() + 60_000)
    const moves = decommissionMoves(snapshot.partitions, brokerId, snapshot.cluster.brokers)
    if (moves.length === 0 && !snapshot.cluster.brokers.some(b => b.id === brokerId)) throw new OpsError(OpsErrorCodes.BROKER_UNKNOWN, `broker ${brokerId} is not registered and holds no replica`, { brokerId })
    return moves
  }
  if (options.dryRun) return { dryRun: true, purpose, moves: await plan() }
  const result = await executeMoves(purpose, plan, [brokerId], options)
  return { ...result, unregister: await finishRemoval(options.admin, brokerId, options.unregister) }
}
