/**
 * The checks a job creation passes before anything is stored: the request itself (`admitRequest`),
 * within the bounds a refused one costs its sender — a refused request counts against the creation
 * rates (refused-creations.ts), and a client's workflow input is checked within its sender's budget
 * of refused work (validation-budget.ts) — then the client's ids, and, once per configuration, the
 * tool settings that name no registered tool (unknown-tool-settings.ts). A creation with an
 * Idempotency-Key that would be refused may be the retry of a job the key started (api.md: the same
 * job on retry), also one a later version of the app no longer accepts (a workflow renamed or
 * removed, its input schema narrowed, a tool removed in a deploy; a chat body over a limit lowered
 * since, or naming a model no longer allowed, which the route refused: `refusedBySettings`): the
 * store is asked for the key's job first, and the refusal stands, counted as without a key, only
 * when there is none.
 */
import { admitIdempotencyKey, admitIds, admitUserId } from './admit-ids'
import { admitRequest } from './admit-request'
import type { BackgroundJobsConfig } from './config'
import type { CreateJobInput } from './engine-types'
import { InvalidRequestError, SchemaCheckFailedError } from './errors'
import { RateLimitError } from './errors'
import type { Logger } from './logger'
import { useMetrics } from './metrics'
import type { JobProvider } from './providers/types'
import { creationRates } from './rate-limit'
import { createRefusedCreations } from './refused-creations'
import type { ToolRegistry } from './tools/types'
import { createUnknownToolSettingsCheck } from './unknown-tool-settings'
import { issueCountOf, useValidationBudget } from './validation-budget'
import type { ValidationBudget } from './validation-budget'
import type { WorkflowRegistry } from './workflows/types'

/** Throws a 429 of the gate before the checks; a spent budget of refused problems is no creation rate (docs/metrics.md, jobs_refused_total): not counted as one. */
async function rateRefusal(refusal: RateLimitError): Promise<never> {
  if (refusal.setting !== 'refusedValueProblems') useMetrics().increment('jobs_refused_total', { reason: 'rate' })
  throw refusal
}

/** The 429 of a spent validation budget (validation-budget.ts), or null while it has room. */
function budgetRefusal(budget: ValidationBudget | null, userId: string): RateLimitError | null {
  try {
    budget?.assertRoom(userId)
    return null
  }
  catch (error) {
    if (error instanceof RateLimitError) return error
    throw error
  }
}

/**
 * A refusal that stands unless the store holds the Idempotency-Key's job (storeCreation's
 * `refusal`): `refuse()` counts it as a refusal without a key would have been, then throws it.
 */
export interface KeyRefusal {
  refuse: () => Promise<never>
}

export interface CreationAdmissionOptions {
  provider: Pick<JobProvider, 'takeRate'>
  now: () => number
  logger: Logger
  tools: ToolRegistry
  workflows: WorkflowRegistry
}

/** Creates the engine's admission of creations; throws the 400 or 429 a refused one gets. */
export function createCreationAdmission(options: CreationAdmissionOptions) {
  const refusedCreations = createRefusedCreations(options.provider, options.now)
  const checkToolSettings = createUnknownToolSettingsCheck(options.logger)

  /**
   * Throws the 400 or 429 of a refused creation. Resolves with the refusal to answer unless the
   * store holds the key's job (a request with an Idempotency-Key while refused creations fill its
   * window, while refused values spent the user's validation budget, or that this version refuses
   * with a 400), else null: admitted.
   */
  return async function admitCreation(userId: string, input: CreateJobInput, config: BackgroundJobsConfig): Promise<KeyRefusal | null> {
    const { request } = input
    // Before the key names a job to look up (createJob from server code; the routes' keys pass).
    admitUserId(userId)
    admitIdempotencyKey(input.idempotencyKey)
    // The route's 400 of a body an earlier version may have taken (http/chat-job-retry.ts): only the key's job.
    const routeRefusal = input.refusedBySettings
    if (routeRefusal) {
      if (!input.idempotencyKey) throw routeRefusal
      return { refuse: async () => { throw routeRefusal } }
    }
    const rates = input.limitRate ? creationRates(userId, input.anonymousAddress, config.limits) : []
    const refused = refusedCreations.refusalOf(rates)
    // With an Idempotency-Key it may be the retry of a job it created, which the store gives back
    // before counting anything: the caller looks the key up (storeCreation's `refusal`), unchecked.
    if (refused && input.idempotencyKey) return { refuse: () => rateRefusal(refused) }
    if (refused) return await rateRefusal(refused)
    const budget = input.limitRate && request.type === 'workflow' ? useValidationBudget() : null
    const spent = budgetRefusal(budget, userId)
    // As above: a spent budget refuses what would be checked, not the retry of a job the key started.
    if (spent && input.idempotencyKey) return { refuse: () => rateRefusal(spent) }
    if (spent) throw spent
    try {
      admitRequest(request, config, options.workflows, options.tools)
    }
    catch (error) {
      const refuse = async (): Promise<never> => {
        budget?.spend(userId, issueCountOf(error))
        if (error instanceof InvalidRequestError) await refusedCreations.count(rates)
        throw error
      }
      // A request this version refuses may be the retry of a job an earlier one started (a
      // workflow renamed or its input narrowed in a deploy since): its job, if the key has one.
      // So may a request whose schema check threw (the app's database down): its 5xx only without a job for the key.
      if ((error instanceof InvalidRequestError || error instanceof SchemaCheckFailedError) && input.idempotencyKey) return { refuse }
      return await refuse()
    }
    admitIds(input)
    // Here, not at boot: the tools an app registers from a plugin are in the registry by now.
    checkToolSettings(config, options.tools)
    return null
  }
}
