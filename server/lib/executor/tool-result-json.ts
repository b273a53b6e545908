/**
 * A tool's return value as the model will read it: JSON. The same rule applies in the server
 * process and inside an isolation worker, so a result (or a result that cannot be sent) looks
 * the same either way.
 */
import { jsonProblem } from '../json-problem'
import { ToolResultNotSerializableError } from './tool-errors'

/** A tool result as plain data plus its JSON text. */
export interface ToolResultJson {
  /** Plain data: no class instances, Dates as strings (what the model sees). */
  result: unknown
  json: string
}

/**
 * A tool's return value as JSON text (`undefined` becomes `null`). Throws
 * `ToolResultNotSerializableError` for a BigInt, a cycle, a Map, a Set, a Promise or an Error
 * (anywhere in the value), a value nested too deep, a getter or toJSON that throws, a function or
 * a symbol.
 */
export function toolResultJson(toolName: string, value: unknown): string {
  let json: string | undefined
  try {
    // Reading the value runs its getters, Proxy traps and toJSON methods: a throw there is also
    // a result that cannot be sent, not a failure of the tool's work.
    const problem = jsonProblem(value)
    if (problem) throw new ToolResultNotSerializableError(toolName, new Error(problem))
    json = JSON.stringify(value === undefined ? null : value)
  }
  catch (error) {
    if (error instanceof ToolResultNotSerializableError) throw error
    throw new ToolResultNotSerializableError(toolName, error)
  }
  // A function or symbol serializes to nothing at all.
  if (json === undefined) throw new ToolResultNotSerializableError(toolName, new Error(`a ${typeof value} has no JSON form`))
  return json
}

/** The plain data of a result's JSON text. */
export function toolResultFromJson(json: string): ToolResultJson {
  return { result: JSON.parse(json) as unknown, json }
}
