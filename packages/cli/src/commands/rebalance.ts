import { Command, InvalidArgumentError } from 'commander'
import { BALANCE_GOALS, planRebalance, rebalance, REBALANCE_PURPOSE, type BalanceGoal, type BalancePlan, type BrokerLoad, type PlanOnly, type RebalanceResult } from '@tackle/ops'
import { parseWholeNumber } from '../common-options.ts'
import { confirm } from '../confirm.ts'
import { table } from '../output.ts'
import { formatBytes } from '../progress.ts'
import { movesText, runReassignment, withReassignOptions, type ReassignFlags } from './broker.ts'

interface RebalanceFlags extends ReassignFlags {
  goals?: BalanceGoal[]
  maxPartitions?: number
  yes?: boolean
  electLeaders: boolean
}

export function parseGoals (value: string): BalanceGoal[] {
  const goals = value.split(',').map(g => g.trim()).filter(Boolean)
  const unknown = goals.filter(g => !(BALANCE_GOALS as readonly string[]).includes(g))
  if (goals.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`goals are a comma-separated list of ${BALANCE_GOALS.join(', ')}${unknown.length ? `; not ${unknown.join(', ')}` : ''}`)
  return [...new Set(goals)] as BalanceGoal[]
}

export function loadsText (before: readonly BrokerLoad[], after: readonly BrokerLoad[]): string {
  const was = new Map(before.map(l => [l.broker, l]))
  const arrow = (a: number, b: number, format: (n: number) => string = String) => a === b ? format(a) : `${format(a)} → ${format(b)}`
  return table([['BROKER', 'RACK', 'REPLICAS', 'LEADERS', 'SIZE'], ...after.map(l => {
    const b = was.get(l.broker) ?? { replicas: 0, leaders: 0, bytes: 0 }
    return [String(l.broker), l.rack ?? '-', arrow(b.replicas, l.replicas), arrow(b.leaders, l.leaders), arrow(b.bytes, l.bytes, formatBytes)]
  })])
}

function planText (plan: BalancePlan & Partial<PlanOnly>): string {
  const unmet = plan.unmet.map(u => `goal ${u.goal} not met: ${u.reason}`).join('\n')
  const moves = plan.moves.length === 0 ? `${REBALANCE_PURPOSE}: balanced already, nothing to move` : movesText({ dryRun: true, purpose: REBALANCE_PURPOSE, moves: plan.moves })
  return `${moves}\n\n${loadsText(plan.before, plan.after)}${unmet ? `\n${unmet}` : ''}`
}

export function rebalanceCommand (): Command {
  return withReassignOptions(new Command('rebalance'))
    .description('move replicas and leaders so every broker carries an even share; fills a newly added broker')
    .option('--goals <list>', `which loads to even out, in order (default: ${BALANCE_GOALS.join(',')})`, parseGoals)
    .option('--max-partitions <n>', 'change at most this many partitions in this run', parseWholeNumber('--max-partitions', 1, 1_000_000))
    .option('--no-elect-leaders', 'skip the preferred-leader election after the moves')
    .option('-y, --yes', 'do not ask before moving')
    .addHelpText('after', `
Goals (Cruise Control's): replicas, the replica count per broker; disk, bytes on disk per broker;
leaders, preferred leaderships per broker (by reordering replicas, which copies nothing). Each is
balanced to within 10% of the mean where the topic layout allows; a move never lowers the number of
racks a partition spans. The plan is shown first, with each broker's load before and after, and
the run asks before moving anything unless --yes. A preferred-leader election follows the moves.

Examples:
  tackle rebalance --dry-run
  tackle rebalance --throttle 20MiB/s --yes
  tackle rebalance --verify`)
    .action(async (flags: RebalanceFlags) => {
      const options = { goals: flags.goals, maxMoves: flags.maxPartitions, electLeaders: flags.electLeaders }
      await runReassignment<RebalanceResult>(REBALANCE_PURPOSE, flags, input => rebalance({ ...input, ...options }), {
        plan: plan => planText(plan as BalancePlan & PlanOnly),
        done: result => loadsText(result.before, result.after) + (result.elections.some(e => e.error) ? `\nleader elections failed for ${result.elections.filter(e => e.error).length} partitions` : '\npreferred leaders elected'),
        beforeStart: async input => {
          if (flags.yes) return
          const plan = await planRebalance({ ...input, ...options })
          process.stderr.write(planText(plan) + '\n')
          if (plan.moves.length > 0) await confirm(`Move ${plan.moves.length} partitions?`, 'rebalance')
        },
      })
    })
}
