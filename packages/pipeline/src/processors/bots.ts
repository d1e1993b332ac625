// Bot detection by user agent with isbot's list (kept current by its maintainers from the
// user-agents.net and crawler lists), plus the team's own: `include` patterns mark more user
// agents as bots, `exclude` patterns clear ones the list would flag (an in-house monitor that
// should count, an embedded browser the list mistakes).
import { createIsbotFromList, list } from 'isbot'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

export interface BotRules {
  /** Regular expressions (case-insensitive): a user agent matching one is a bot. */
  include: readonly string[]
  /** Regular expressions (case-insensitive): a user agent matching one is never a bot. */
  exclude: readonly string[]
}

export const defaultBotRules: Readonly<BotRules> = Object.freeze({ include: Object.freeze([]), exclude: Object.freeze([]) })

/** The patterns, once each is known to be a regular expression. */
function checked (patterns: readonly string[], key: 'include' | 'exclude'): readonly string[] {
  patterns.forEach((pattern, i) => {
    try {
      RegExp(pattern, 'i')
    } catch (error) {
      throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `enrichment.bots.${key}[${i}] is not a regular expression: ${(error as Error).message}`)
    }
  })
  return patterns
}

/** Whether a user agent is a bot under isbot's list and the rules. */
export function botCheck (rules: BotRules = defaultBotRules): (userAgent: string) => boolean {
  const exclude = checked(rules.exclude, 'exclude')
  const excluded = exclude.length === 0 ? null : new RegExp(exclude.map(p => `(?:${p})`).join('|'), 'i')
  const isbot = createIsbotFromList([...list, ...checked(rules.include, 'include')])
  return userAgent => !(excluded?.test(userAgent) ?? false) && isbot(userAgent)
}
