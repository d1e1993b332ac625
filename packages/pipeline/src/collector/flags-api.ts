// PostHog's feature-flag endpoints, so unmodified posthog-js and posthog-node get their flags
// from the collector: POST /flags/?v=2 (posthog-node 5, posthog-js 1.4xx), the legacy POST
// /decide/ (older SDKs), and the remote config posthog-js loads first, GET /array/{token}/config
// (JSON) and /array/{token}/config.js (the script that sets window._POSTHOG_REMOTE_CONFIG).
// Shapes follow PostHog's flags service (rust/feature-flags, FlagsResponse) and remote config
// (posthog/models/remote_config.py). What the flags are is not the collector's business: the
// entry point that composes the servers passes a FlagsProvider in (the analytics package's
// experiments); without one every request is answered with no flags.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import { routeDoc } from '../openapi.ts'
import { FlagsRequestSchema, TokenParams } from './api-schemas.ts'
import { decodeBody } from './decode-body.ts'
import { isObject } from './item-fields.ts'
import type { CollectorOptions } from './options.ts'
import { knownWriteKey } from './write-keys.ts'

export interface FlagsRequest {
  distinctId: string
  /** The id before identify, which posthog-js sends once after identify: the person's earlier hash key. */
  anonDistinctId?: string | undefined
  /** Only these flags, when the SDK asks for some. */
  flagKeys?: string[] | undefined
  writeKey: string
}

export interface FlagDecision {
  key: string
  enabled: boolean
  variant: string | null
  reason: string
  payload?: unknown
}

export interface FlagsProvider {
  evaluate (request: FlagsRequest): Promise<FlagDecision[]>
}

const REASONS: Record<string, string> = {
  condition_match: 'Matched condition set 1',
  out_of_rollout_bound: 'Out of rollout bound',
  no_condition_match: 'No matching condition set',
}

export function flagsApi (options: Readonly<CollectorOptions>) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    const answer = async (request: FastifyRequest, legacy: boolean) => {
      const body = decodeBody(request.body, options.maxBatchBytes)
      if (!isObject(body)) throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, 'the body must be a JSON object with "token" and "distinct_id"')
      const writeKey = knownWriteKey(options.writeKeys, body.token ?? body.api_key, '"token" in the body')
      const distinctId = body.distinct_id
      if (typeof distinctId !== 'string' || distinctId.trim() === '') throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, '"distinct_id" must be a non-empty string')
      const anon = typeof body.$anon_distinct_id === 'string' && body.$anon_distinct_id !== '' ? body.$anon_distinct_id : undefined
      const flagKeys = Array.isArray(body.flag_keys) ? body.flag_keys.filter((k): k is string => typeof k === 'string') : undefined
      let decisions: FlagDecision[] = []
      let errors = false
      if (body.disable_flags !== true && options.flags !== undefined) {
        try {
          decisions = await options.flags.evaluate({ distinctId, anonDistinctId: anon, flagKeys, writeKey })
        } catch (error) {
          // PostHog's own answer when flags cannot be computed: the SDK keeps what it had.
          options.logger?.error({ err: error }, 'evaluating feature flags failed')
          errors = true
        }
      }
      const query = request.query as Record<string, unknown>
      const withConfig = legacy || query.config === 'true'
      return { ...(withConfig ? remoteConfig(writeKey) : {}), ...flagsResponse(decisions, errors) }
    }
    app.post('/flags', { schema: routeDoc('posthog', 'Feature flags of a person (?v=2; ?config=true adds the remote config)', { body: FlagsRequestSchema }) }, request => answer(request, false))
    app.post('/decide', { schema: routeDoc('posthog', 'Feature flags and remote config, as older posthog-js versions ask', { body: FlagsRequestSchema }) }, request => answer(request, true))
    app.get('/array/:token/config', { schema: routeDoc('posthog', "posthog-js's remote config", { params: TokenParams }) }, async request => remoteConfig(knownWriteKey(options.writeKeys, (request.params as { token: string }).token, 'the path /array/{token}/config')))
    app.get('/array/:token/config.js', { schema: routeDoc('posthog', "posthog-js's remote config as a script", { params: TokenParams }) }, async (request: FastifyRequest, reply: FastifyReply) => {
      const token = knownWriteKey(options.writeKeys, (request.params as { token: string }).token, 'the path /array/{token}/config.js')
      const script = `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(token)}]=${JSON.stringify({ config: remoteConfig(token), siteApps: [] })}})();`
      return reply.type('application/javascript; charset=utf-8').send(script)
    })
  }
}

function flagsResponse (decisions: readonly FlagDecision[], errors: boolean) {
  const flags = Object.fromEntries(decisions.map((d, i) => [d.key, {
    key: d.key,
    enabled: d.enabled,
    variant: d.variant,
    reason: { code: d.reason, condition_index: d.reason === 'condition_match' ? 0 : null, description: REASONS[d.reason] ?? d.reason },
    metadata: { id: i + 1, version: 1, payload: d.payload === undefined ? null : JSON.stringify(d.payload), description: null },
  }]))
  return {
    flags,
    // The flat maps of /decide v3, for SDKs that read those.
    featureFlags: Object.fromEntries(decisions.map(d => [d.key, d.enabled ? d.variant ?? true : false])),
    featureFlagPayloads: Object.fromEntries(decisions.filter(d => d.enabled && d.payload !== undefined).map(d => [d.key, JSON.stringify(d.payload)])),
    errorsWhileComputingFlags: errors,
    quotaLimited: [],
    requestId: randomUUID(),
    evaluatedAt: Date.now(),
  }
}

/** What posthog-js reads at start: capture where, compression, and that flags are served here; nothing else turned on. */
function remoteConfig (token: string) {
  return {
    token,
    supportedCompression: ['gzip', 'gzip-js'],
    hasFeatureFlags: true,
    analytics: { endpoint: '/i/v0/e/' },
    elementsChainAsString: true,
    autocapture_opt_out: false,
    autocaptureExceptions: false,
    capturePerformance: false,
    captureDeadClicks: false,
    heatmaps: false,
    sessionRecording: false,
    surveys: false,
    defaultIdentifiedOnly: true,
    toolbarParams: {},
    isAuthenticated: false,
    siteApps: [],
  }
}
