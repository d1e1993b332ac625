// Tracking plans, as Segment Protocols has them: a JSON Schema per event name for its properties,
// per write key, in warn mode (store, and mark the violations) or enforce mode (send the event to
// the failed-events topic instead). Schemas are compiled once, with Ajv.
import { Ajv, type ValidateFunction } from 'ajv'
import type { PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'

export interface TrackingPlan {
  mode: 'warn' | 'enforce'
  /** Event name → JSON Schema of its properties. */
  events: Record<string, object>
  /** Whether a track event with no schema in the plan passes; default true. */
  allowUnplanned?: boolean
}

export interface PlanVerdict {
  mode: 'warn' | 'enforce'
  violations: string[]
}

export class TrackingPlans {
  readonly #plans = new Map<string, { plan: TrackingPlan, validators: Map<string, ValidateFunction> }>()

  constructor (plans: Record<string, TrackingPlan> = {}) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    for (const [writeKey, plan] of Object.entries(plans)) {
      if (plan.mode !== 'warn' && plan.mode !== 'enforce') throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `tracking plan of write key "${writeKey}": mode must be "warn" or "enforce", got ${JSON.stringify(plan.mode)}`)
      const validators = new Map<string, ValidateFunction>()
      for (const [event, schema] of Object.entries(plan.events ?? {})) {
        try {
          validators.set(event, ajv.compile(schema))
        } catch (error) {
          throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `tracking plan of write key "${writeKey}", event "${event}": ${(error as Error).message}`, { cause: error })
        }
      }
      this.#plans.set(writeKey, { plan, validators })
    }
  }

  /** undefined when the event passes (or its write key has no plan). */
  check (event: PipelineEvent): PlanVerdict | undefined {
    const entry = this.#plans.get(event.writeKey)
    if (!entry || event.type !== 'track' || event.event === null) return undefined
    const validate = entry.validators.get(event.event)
    if (!validate) {
      return entry.plan.allowUnplanned === false ? { mode: entry.plan.mode, violations: [`event "${event.event}" is not in the tracking plan`] } : undefined
    }
    if (validate(event.properties)) return undefined
    const violations = (validate.errors ?? []).map(e => `properties${e.instancePath.replaceAll('/', '.')} ${e.message ?? 'is invalid'}`)
    return { mode: entry.plan.mode, violations }
  }
}
