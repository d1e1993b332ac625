import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Every .ts file under `dir`, at any depth. */
export function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts'))
    .map(e => join(e.parentPath, e.name))
}
