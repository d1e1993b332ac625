// Consumer groups: the list, one group (members, offsets, lag), and an offset reset that is planned
// (dryRun, the default) before it is applied, with the refusals of `tackle group reset-offsets`.
import type { FastifyInstance } from 'fastify'
import { Type, type ClusterAdmin, type TopicReader } from '@tackle/client'
import { describeGroup, listGroups, resetOffsets, type ResetTarget, type TopicSelection } from '@tackle/ops'
import { routeDoc } from '@tackle/pipeline'
import { DashboardError, DashboardErrorCodes } from '../errors.ts'
import { GroupParams } from './route-params.ts'

export const ResetOffsetsBody = Type.Object({
  to: Type.Union([Type.Literal('earliest'), Type.Literal('latest'), Type.Literal('datetime'), Type.Literal('offset'), Type.Literal('shift')]),
  /** The ISO time (datetime), the offset (offset) or the signed shift (shift). */
  value: Type.Optional(Type.String({ maxLength: 64 })),
  topics: Type.Optional(Type.Array(Type.Object({ topic: Type.String({ minLength: 1, maxLength: 249 }), partitions: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 10_000 })) }, { additionalProperties: false }), { maxItems: 1000 })),
  dryRun: Type.Optional(Type.Boolean({ default: true })),
}, { additionalProperties: false })

type ResetBody = Type.Static<typeof ResetOffsetsBody>

function target (body: ResetBody): ResetTarget {
  const value = body.value ?? ''
  if (body.to === 'earliest' || body.to === 'latest') return { to: body.to }
  if (body.to === 'datetime' && !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value)) return { to: 'datetime', timestampMs: Date.parse(value) }
  if (body.to === 'offset' && /^\d+$/.test(value)) return { to: 'offset', offset: BigInt(value) }
  if (body.to === 'shift' && /^[+-]?\d+$/.test(value)) return { to: 'shift', by: BigInt(value) }
  throw new DashboardError(DashboardErrorCodes.BAD_QUERY, `value must be ${body.to === 'datetime' ? 'an ISO date-time' : body.to === 'offset' ? 'a whole number' : 'a signed whole number'} for to=${body.to}, got ${JSON.stringify(body.value)}`)
}

export function groupsRoutes (admin: ClusterAdmin, reader: TopicReader) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/groups', { schema: routeDoc('groups', 'Consumer groups with state and lag') }, async () => ({ groups: await listGroups(admin) }))
    app.get('/api/groups/:group', { schema: routeDoc('groups', 'One group: members, assignments, offsets, lag', { params: GroupParams }) }, async request => describeGroup(admin, reader, (request.params as { group: string }).group))
    app.post('/api/groups/:group/reset-offsets', { schema: routeDoc('groups', "Plan (dryRun) or apply a reset of a group's offsets", { body: ResetOffsetsBody, params: GroupParams }) }, async request => {
      const body = request.body as ResetBody
      return resetOffsets({ admin, group: (request.params as { group: string }).group, target: target(body), ...(body.topics?.length ? { topics: body.topics as TopicSelection[] } : {}), dryRun: body.dryRun ?? true })
    })
  }
}
