/**
 * Turns what the model sent as arguments into the tool's typed arguments. Models send JSON text
 * ('' for a tool without arguments); workflow code may pass an object. A failure lists the
 * problems (zod issues with their paths, describe-issues.ts), so the model can correct the call in its next round.
 */
import type { z } from 'zod'
import { describeIssues } from '../describe-issues'
import { nestsDeeperThan } from '../http/json-depth'
import { MAX_JSON_DEPTH } from '../json-problem'
import { nullsAsAbsent } from '../tools/nulls-as-absent'
import { isAsyncParseError } from '../zod-schema'
import { AsyncToolSchemaError, describeThrown, InvalidToolArgumentsError, ToolSchemaThrewError } from './tool-errors'
import { wellFormedJsonText } from './tool-result-json'

/**
 * The arguments as JSON (for events and repeat detection), or the raw text when it is not JSON —
 * or nests deeper than `MAX_JSON_DEPTH`: `JSON.parse` takes any depth, but what walks the value
 * after it recurses (the repeat check's key, zod, `JSON.stringify` of the `tool-call` event) and a
 * few thousand levels overflowed the stack there, which failed the job. `problem` says why, for the model.
 */
export function decodeArguments(args: unknown): { ok: true, value: unknown } | { ok: false, raw: string, problem: string } {
  if (typeof args !== 'string') return { ok: true, value: args ?? {} }
  if (!args.trim()) return { ok: true, value: {} }
  // Half of a surrogate pair becomes `�` (tool-result-json.ts): the arguments reach AI SDK clients,
  // which post them back with each later turn, and the chat route refuses a lone surrogate.
  const text = wellFormedJsonText(args)
  let value: unknown
  try {
    value = JSON.parse(text)
  }
  catch (error) {
    return { ok: false, raw: text, problem: `arguments are not valid JSON (${(error as Error).message})` }
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { ok: false, raw: text, problem: `arguments nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep` }
  return { ok: true, value }
}

/**
 * The arguments as an isolation worker gets them: JSON data, as docs/tool-isolation.md says. A model's
 * arguments already are; a workflow tool node may pass any object, and the worker would get a
 * structured clone of it: a function in it (which JSON, and in-process zod, leave out) made the
 * clone throw, and the call ended as if the tool had stopped its worker. Here a function or
 * `undefined` is left out and a Date becomes its ISO text, as JSON does; a value with no JSON form
 * (a BigInt, a cycle) is an *Invalid arguments* error.
 */
export function argumentsAsJson(toolName: string, value: unknown): unknown {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  }
  catch (error) {
    throw new InvalidToolArgumentsError(toolName, [`arguments have no JSON form (${describeThrown(error)}); an isolated tool gets its arguments as JSON`])
  }
  if (text === undefined) throw new InvalidToolArgumentsError(toolName, [`arguments have no JSON form (got ${typeof value}); an isolated tool gets its arguments as JSON`])
  return JSON.parse(text) as unknown
}

/** Parses and validates; throws `InvalidToolArgumentsError` listing the problems. */
export function parseToolArguments(toolName: string, schema: z.ZodType, args: unknown): unknown {
  const decoded = decodeArguments(args)
  if (!decoded.ok) throw new InvalidToolArgumentsError(toolName, [decoded.problem])
  let parsed: ReturnType<typeof schema.safeParse>
  try {
    // `"timezone": null` for an optional parameter (OpenAI-family models) is taken as absent.
    parsed = schema.safeParse(nullsAsAbsent(schema, decoded.value))
  }
  catch (error) {
    if (isAsyncParseError(error)) throw new AsyncToolSchemaError(toolName)
    // A refine or transform of the tool's own schema threw (a lookup whose database is down,
    // JSON.parse of a model-chosen string…): the call fails naming the tool, as a throw of
    // `execute` does — not "Invalid arguments", which would send the model to change good ones.
    throw new ToolSchemaThrewError(toolName, error)
  }
  // As a route's 400 names them (describe-issues.ts): a union names the fields of the option its
  // tag chose (not `target: Invalid input`), a field of the wrong type is not also told the checks
  // of the type it should be, and a problem with the whole value names `arguments`.
  if (!parsed.success) throw new InvalidToolArgumentsError(toolName, [describeIssues(parsed.error, 'arguments')])
  return parsed.data
}
