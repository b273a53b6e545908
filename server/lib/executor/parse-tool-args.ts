/**
 * Turns what the model sent as arguments into the tool's typed arguments. Models send JSON text
 * ('' for a tool without arguments); workflow code may pass an object. A failure lists every
 * problem (zod issues with their paths), so the model can correct the call in its next round.
 */
import type { z } from 'zod'
import { isAsyncParseError } from '../zod-schema'
import { AsyncToolSchemaError, describeThrown, InvalidToolArgumentsError } from './tool-errors'

/** The arguments as JSON (for events and repeat detection), or the raw text when it is not JSON. */
export function decodeArguments(args: unknown): { ok: true, value: unknown } | { ok: false, raw: string, reason: string } {
  if (typeof args !== 'string') return { ok: true, value: args ?? {} }
  if (!args.trim()) return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(args) }
  }
  catch (error) {
    return { ok: false, raw: args, reason: (error as Error).message }
  }
}

/** One zod issue as a short line: `path.to.field: message`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.')
  return path ? `${path}: ${issue.message}` : issue.message
}

/** Parses and validates; throws `InvalidToolArgumentsError` listing the problems. */
export function parseToolArguments(toolName: string, schema: z.ZodType, args: unknown): unknown {
  const decoded = decodeArguments(args)
  if (!decoded.ok) throw new InvalidToolArgumentsError(toolName, [`arguments are not valid JSON (${decoded.reason})`])
  let parsed: ReturnType<typeof schema.safeParse>
  try {
    parsed = schema.safeParse(decoded.value)
  }
  catch (error) {
    if (isAsyncParseError(error)) throw new AsyncToolSchemaError(toolName)
    // A refine or transform of the tool's own schema threw (JSON.parse of a model-chosen string…):
    // the model gets it as an error result, as for arguments the schema refuses.
    throw new InvalidToolArgumentsError(toolName, [`its parameters schema threw: ${describeThrown(error)}`])
  }
  if (!parsed.success) throw new InvalidToolArgumentsError(toolName, parsed.error.issues.map(describeIssue))
  return parsed.data
}
