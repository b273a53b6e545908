/**
 * Recognising a zod schema in a definition (tool parameters, workflow input, an input node's
 * answer). Duck-typed rather than `instanceof`: a schema made by another copy of zod 4 (an app's
 * own install) or by `zod/mini` works with everything the layer calls (`safeParse`,
 * `z.toJSONSchema`), and `instanceof` would refuse it.
 */
import type { z } from 'zod'
import { VALIDATION_ISSUES_PER_MINUTE, withIssueCount } from './validation-budget'

/** True for a zod 4 schema (zod 4 schemas carry `_zod`; zod 3 ones do not). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value && typeof (value as z.ZodType).safeParse === 'function'
}

/**
 * Why a definition's `field` (`\`parameters\``, `\`input\``) is not a zod 4 schema, in words that
 * point at the fix: a zod 3 schema (an app whose own `zod` is version 3) and a JSON Schema object
 * are named as such — "must be a zod schema" alone read as wrong for a zod schema.
 */
export function zodSchemaProblem(value: unknown, field: string, example: string): string {
  const object = value as Record<string, unknown> | null | undefined
  if (object && typeof object === 'object' && '_def' in object && typeof object.safeParse === 'function') {
    return `${field} is a zod 3 schema (from \`zod/v3\` or zod@3): the layer needs zod 4, \`import { z } from 'zod'\` with zod ≥ 4`
  }
  if (object && typeof object === 'object' && ('type' in object || 'properties' in object)) {
    return `${field} looks like a JSON Schema: write it as a zod schema, such as ${example} (the layer derives the JSON Schema from it)`
  }
  return `${field} must be a zod schema, such as ${example}`
}

/** An async refine or transform met by a synchronous parse (zod's `$ZodAsyncError`, by its constructor name: any copy of zod). */
export function isAsyncParseError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === '$ZodAsyncError'
}

/**
 * `schema.safeParse(value)`, with the error zod throws for an async refine or transform (every
 * value the checks before it accept) replaced by one that says what to change: `what` names the
 * schema (`workflow "x" input`). Workflow inputs and answers are parsed synchronously. A value
 * with so many problems that zod runs out of stack gathering them (a list of lists, or a record of
 * lists, given ~130,000 wrong items: zod spreads an inner list's issues into the outer one's) is
 * refused as such (`TooManyProblemsError`), not by the `RangeError`'s words.
 */
export function safeParseSync<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): ReturnType<Schema['safeParse']> {
  try {
    return schema.safeParse(value) as ReturnType<Schema['safeParse']>
  }
  catch (error) {
    if (isStackOverflow(error)) throw tooManyProblems()
    if (!isAsyncParseError(error)) throw error
    throw new AsyncSchemaError(`the ${what} schema has an async refine or transform, which this server cannot run (it parses synchronously); make it synchronous, or check the value in a tool node`)
  }
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message)
}

/**
 * The refusal of a value zod ran out of stack on. Its problems were not counted, but there were
 * far more than the sender's budget of refused values allows a minute (fewer fit the stack: 100,000
 * issues did here): it carries a count past that whole budget (validation-budget.ts).
 */
function tooManyProblems(): TooManyProblemsError {
  return withIssueCount(new TooManyProblemsError('too many problems to check them all (the checker ran out of stack gathering them); most of the value\'s items are wrong'), VALIDATION_ISSUES_PER_MINUTE + 1)
}

/** A value had too many problems for the schema check to gather (`safeParseSync`): the client's value is refused. */
export class TooManyProblemsError extends Error {
  override readonly name = 'TooManyProblemsError'
}

/** A schema needs an async parse: the app's definition must change (not the request). */
export class AsyncSchemaError extends Error {
  override readonly name = 'AsyncSchemaError'
}
