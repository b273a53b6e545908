/**
 * A workflow schema check (its input, an input node's answer) run on a user's value: a refusal of
 * the value (`BackgroundJobsError`, `TooManyProblemsError`) and an async schema (`AsyncSchemaError`)
 * pass as they are; anything else thrown is the app's own schema code failing (a refine whose
 * database lookup failed) — `SchemaCheckFailedError`, a 5xx the route logs, not the value's fault.
 */
import { BackgroundJobsError, SchemaCheckFailedError } from '../errors'
import { AsyncSchemaError, TooManyProblemsError } from '../zod-schema'

/** `check()`, with a throw of the app's schema code as `SchemaCheckFailedError` naming `what`. */
export function checkedByAppSchema<T>(what: string, check: () => T): T {
  try {
    return check()
  }
  catch (error) {
    if (error instanceof BackgroundJobsError || error instanceof AsyncSchemaError || error instanceof TooManyProblemsError) throw error
    throw new SchemaCheckFailedError(what, error)
  }
}
