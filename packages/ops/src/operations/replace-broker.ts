// Replace a broker 1:1, as when a cloud instance is retired: every replica on OLD moves to NEW in
// the same position, so leadership preferences and racks stay as they were. OLD may be dead: no
// config is written to it, and its replicas being out of sync is expected, not a reason to pause.
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { executeMoves, lookWithin, resolveReassignOptions, type ReassignInput, type ReassignResult } from '../reassign/execute-moves.ts'
import { finishRemoval, type UnregisterOutcome } from './unregister-broker.ts'
import { replaceMoves, type Move } from '../reassign/plan-moves.ts'

export type ReplaceBrokerOptions = ReassignInput & {
  oldId: number
  newId: number
  /** Only plan: return the moves, change nothing. */
  dryRun?: boolean
  /** Unregister the emptied broker afterwards: true always, false never, by default when it is not running. */
  unregister?: boolean
}

export type PlanOnly = { dryRun: true, purpose: string, moves: Move[] }

export async function replaceBroker (options: ReplaceBrokerOptions): Promise<(ReassignResult & { unregister: UnregisterOutcome }) | PlanOnly> {
  const { oldId, newId } = options
  const purpose = `replace broker ${oldId} with ${newId}`
  const plan = async () => {
    const { snapshot } = await lookWithin(resolveReassignOptions(options), Date.now() + 60_000)
    const live = snapshot.cluster.brokers.map(b => b.id)
    if (!live.includes(newId)) throw new OpsError(OpsErrorCodes.BROKER_UNKNOWN, `broker ${newId} is not registered and unfenced: start the new broker first`, { brokerId: newId })
    const moves = replaceMoves(snapshot.partitions, oldId, newId)
    if (moves.length === 0 && !live.includes(oldId)) throw new OpsError(OpsErrorCodes.BROKER_UNKNOWN, `broker ${oldId} is not registered and holds no replica`, { brokerId: oldId })
    return moves
  }
  if (options.dryRun) return { dryRun: true, purpose, moves: await plan() }
  const result = await executeMoves(purpose, plan, [oldId], options)
  return { ...result, unregister: await finishRemoval(options.admin, oldId, options.unregister) }
}
