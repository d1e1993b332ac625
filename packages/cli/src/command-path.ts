import type { Command } from 'commander'

/** A command's name under its parents': `tackle group reset-offsets`. */
export function commandPath (command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}
