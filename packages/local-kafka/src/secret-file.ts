// Files that hold secrets (the state file with the SASL password, server.properties with the JAAS
// config and keystore passwords, the keystores) are the owner's alone: 0600 in a 0700 directory.
// The mode is set again after writing, since writeFile's mode applies only to a file it creates.
import { chmod, mkdir, writeFile } from 'node:fs/promises'

export async function writeSecretFile (file: string, data: string): Promise<void> {
  await writeFile(file, data, { mode: 0o600 })
  await chmod(file, 0o600)
}

export async function mkdirPrivate (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
}
