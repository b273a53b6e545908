/**
 * Resolves node inputs against the running workflow's state: functions are called, and templates
 * such as `{{input.topic}}` or `{{outputs.research.title}}` inside strings (also nested in plain
 * objects and arrays) are replaced. A string that is exactly one template takes the value itself.
 */
import type { StateMapper, WorkflowState } from './define'
import { authorState } from './author-state'
import { declaredBelowLeftOut } from './declared-input'

const TEMPLATE = /\{\{\s*([^{}]+?)\s*\}\}/g
const WHOLE_TEMPLATE = /^\{\{\s*([^{}]+?)\s*\}\}$/

/** The roots a template may start from. */
export const TEMPLATE_ROOTS = ['input', 'outputs', 'visits'] as const

/** A template names something the state does not hold (yet). */
export class WorkflowReferenceError extends Error {
  override readonly name = 'WorkflowReferenceError'
  readonly code = 'workflow-reference'
}

/** The template paths in a string, e.g. `outputs.research`. */
export function templatePaths(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map(match => match[1]!)
}

/** Every template path found in a value (strings nested in objects and arrays included). */
export function collectTemplatePaths(value: unknown): string[] {
  if (typeof value === 'string') return templatePaths(value)
  if (Array.isArray(value)) return value.flatMap(collectTemplatePaths)
  if (isPlainObject(value)) return Object.values(value).flatMap(collectTemplatePaths)
  return []
}

/** Reads one dotted path from the state; throws naming the path when it does not exist. */
export function readPath(state: WorkflowState, path: string): unknown {
  const [root, ...rest] = path.split('.')
  if (!TEMPLATE_ROOTS.includes(root as typeof TEMPLATE_ROOTS[number])) {
    throw new WorkflowReferenceError(`{{${path}}} must start with ${TEMPLATE_ROOTS.join(', ')}`)
  }
  let current: unknown = state[root as keyof WorkflowState]
  for (const [index, key] of rest.entries()) {
    const holder = current as Record<string, unknown> | null | undefined
    // Own keys only: `{{outputs.constructor}}` names a node, never what every object inherits.
    if (holder === null || typeof holder !== 'object' || !Object.hasOwn(holder, key)) {
      if (root === 'outputs' && index === 0) throw new WorkflowReferenceError(`{{${path}}}: node "${key}" has no output yet`)
      throw new WorkflowReferenceError(`{{${path}}}: "${key}" does not exist`)
    }
    current = holder[key]
    // Inside an optional object the start (or an answer) left out: nothing, when its schema declares the path.
    if (current === undefined && index < rest.length - 1 && declaredBelowLeftOut(holder, key, rest.slice(index + 1))) return undefined
  }
  return current
}

/** True when `value` is a string that is exactly one template (`'{{input.options}}'`): it takes the value itself. */
export function isWholeTemplate(value: unknown): value is string {
  return typeof value === 'string' && WHOLE_TEMPLATE.test(value)
}

/** Resolves templates inside a value. */
export function resolveTemplates(value: unknown, state: WorkflowState): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_TEMPLATE.exec(value)
    if (whole) return readPath(state, whole[1]!)
    return value.replace(TEMPLATE, (_match, path: string) => toText(readPath(state, path)))
  }
  if (Array.isArray(value)) return value.map(item => resolveTemplates(item, state))
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveTemplates(item, state)]))
  }
  return value
}

/** Calls an author's function (a node run passes its `authorCode`). */
type CallAuthor = <T>(run: () => T) => T

const callDirectly: CallAuthor = run => run()

/**
 * Throws when a node function returned a promise (an `async` function): node functions run
 * synchronously, and a promise would otherwise be sent on as `{}` (a prompt reading "{}"). The
 * promise's own rejection is handled here, so it is not reported a second time as a stray error.
 */
export function refusePromise<T>(value: T, what: string): T {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || typeof (value as { then?: unknown }).then !== 'function') return value
  Promise.resolve(value).catch(() => {})
  throw new Error(`${what} returned a Promise (an async function?); it must return its value directly — do async work in a tool node and read its output from state.outputs`)
}

/** Resolves a node input: calls a function with the state, or resolves the templates in a value. */
export function resolveInput<T>(mapper: StateMapper<T, unknown>, state: WorkflowState, call: CallAuthor = callDirectly): T {
  // Its own copy of the state: what it changes in place is not the recorded outputs (author-state.ts).
  if (typeof mapper === 'function') return refusePromise(call(() => (mapper as (state: WorkflowState) => T)(authorState(state))), 'a function of the state')
  return resolveTemplates(mapper, state) as T
}

/**
 * Resolves a text field (a prompt, instructions) to a string: a whole template such as
 * `'{{input.count}}'` takes the value itself, so a number or an object is written as text here
 * (strings as they are, anything else as JSON) — events and model messages carry strings. A
 * function that returns nothing (a block body without `return`) throws naming `field`: the model
 * or the person would otherwise be asked an empty question. A template of a field left out still
 * reads as nothing.
 */
export function resolveText(mapper: StateMapper<string, unknown>, state: WorkflowState, call: CallAuthor = callDirectly, field = 'text'): string {
  const value = resolveInput<unknown>(mapper, state, call)
  if (value === undefined && typeof mapper === 'function') {
    throw new Error(`its ${field} function returned undefined (does it return something? \`s => { \`…\` }\` returns nothing, \`s => \`…\`\` returns the text)`)
  }
  return toText(value)
}

/** How a value reads inside text: strings as they are, everything else as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  return JSON.stringify(value, null, 2)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
