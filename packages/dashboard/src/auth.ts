// The dashboard's data is behind one bearer token, compared in constant time. The page itself
// holds no data, so it loads without the token and asks for it (or takes it from the URL's
// fragment, which never reaches a server log).
import { createHash, timingSafeEqual } from 'node:crypto'
import { DashboardError, DashboardErrorCodes } from './errors.ts'

const digest = (text: string) => createHash('sha256').update(text).digest()

export function checkBearer (header: string | undefined, token: string): void {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim()
  if (given === undefined) throw new DashboardError(DashboardErrorCodes.UNAUTHORIZED, 'this needs the dashboard token as "Authorization: Bearer TOKEN"')
  if (!timingSafeEqual(digest(given), digest(token))) throw new DashboardError(DashboardErrorCodes.UNAUTHORIZED, 'the dashboard token is wrong')
}
