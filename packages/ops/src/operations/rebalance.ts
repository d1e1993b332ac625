// Even out the load over the live brokers, and fill a broker that was just added: the moves come
// from the balance planner (Cruise Control's distribution goals), and run on the same throttled,
// min-ISR-paced, resumable reassignment engine as replace and decommission, with the same refusals.
// Afterwards a preferred-leader election puts leadership where the plan put the first replicas.
import type { ElectionResult } from '@tackle/client'
import { executeMoves, lookWithin, resolveReassignOptions, type ReassignInput, type ReassignResult } from '../reassign/execute-moves.ts'
import { balanceMoves, type BalanceGoal, type BalancePlan } from '../reassign/balance-moves.ts'
import { partitionSizes } from '../reassign/partition-sizes.ts'

export type RebalanceOptions = ReassignInput & {
  goals?: readonly BalanceGoal[]
  /** At most this many partitions change. */
  maxMoves?: number
  dryRun?: boolean
  /** Run a preferred-leader election once the moves are done (default true). */
  electLeaders?: boolean
}

export const REBALANCE_PURPOSE = 'rebalance the cluster'

export type RebalancePlanOnly = BalancePlan & { dryRun: true, purpose: string }

export type RebalanceResult = ReassignResult & Omit<BalancePlan, 'moves'> & { elections: ElectionResult[] }

/** The plan for the cluster as it is now. */
export async function planRebalance (options: RebalanceOptions): Promise<BalancePlan> {
  const { snapshot } = await lookWithin(resolveReassignOptions(options), Date.now() + 60_000)
  const sizes = await partitionSizes(options.admin, snapshot.partitions)
  return balanceMoves(snapshot.partitions, snapshot.cluster.brokers, sizes, { goals: options.goals, maxMoves: options.maxMoves })
}

export async function rebalance (options: RebalanceOptions): Promise<RebalanceResult | RebalancePlanOnly> {
  if (options.dryRun) return { dryRun: true, purpose: REBALANCE_PURPOSE, ...await planRebalance(options) }
  let plan: BalancePlan | undefined
  const result = await executeMoves(REBALANCE_PURPOSE, async () => {
    plan = await planRebalance(options)
    return plan.moves
  }, [], options)
  const elections = options.electLeaders === false || result.moves.length === 0 ? [] : await options.admin.electPreferredLeaders(result.moves)
  // A resumed run did not plan: what it reports as before and after is the cluster now.
  const now = plan ?? await planRebalance({ ...options, maxMoves: 0 })
  return { ...result, before: now.before, after: plan ? now.after : now.before, unmet: now.unmet, elections }
}
