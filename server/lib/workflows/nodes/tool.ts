/**
 * Tool node: calls one registered tool with arguments mapped from the workflow input and earlier
 * outputs, through the same executor as a chat job's calls (events, timeout, approval). A tool that
 * fails fails the node, unless the node continues with `{ status, error }` as its output.
 */
import { executeToolCall } from '../../executor/execute-tool'
import { traceToolCall } from '../../telemetry/step-spans'
import type { ToolNode, WorkflowState } from '../define'
import type { AuthorCode, NodeExecutor } from '../node-executor'
import { isWholeTemplate, resolveInput } from '../resolve-inputs'
import { jsonProblem } from '../../json-problem'
import { toolCallIndex } from '../../../../shared/tool-call-index'
import { checkRecordedBytes } from '../recorded-output'
import { approvalGivenBefore, firstApprovalAskedAtJobMs } from '../asked-before'

/** A tool node's call failed (its code names the tool status, e.g. `tool-error`, `tool-timeout`). */
export class ToolNodeError extends Error {
  override readonly name = 'ToolNodeError'
  constructor(readonly code: string, readonly toolName: string, message: string) {
    super(message)
  }
}

/**
 * The node's arguments as its `tool-call` event records them: JSON (a Date as its ISO text, a
 * function left out). The tool gets this same value, in-process or isolated, live or resumed. A
 * value JSON cannot keep (a BigInt, a cycle, a Map) fails the node naming where it is: before, the
 * event could not be written and the node failed with JSON's own error, naming no field.
 */
function asRecordedArgs(args: unknown, toolName: string): unknown {
  // Most likely an args function without a `return`, or one reading a field the state lacks: the
  // tool would run with `{}` (its defaults), hiding the mistake. A node without `args` gets `{}`.
  if (args === undefined) throw new Error(`its args for tool "${toolName}" are undefined (does its args function return something? \`s => { ({ … }) }\` returns nothing, \`s => ({ … })\` returns the object); give it an object, or leave args out to call the tool with {}`)
  // The executor reads null arguments as `{}` too (a mapping that read a field holding null).
  if (args === null) throw new Error(`its args for tool "${toolName}" are null; give it an object, or leave args out to call the tool with {}`)
  // A string is read as JSON text (execute-tool.ts), and an empty one as `{}`, the same hidden
  // mistake (an agent node that answered nothing, an input field left empty).
  if (typeof args === 'string' && !args.trim()) throw new Error(`its args for tool "${toolName}" are an empty string (a string is read as JSON text, as a model's arguments are); give it an object, or leave args out to call the tool with {}`)
  const problem = typeof args === 'function' || typeof args === 'symbol' ? `a ${typeof args} has no JSON form` : jsonProblem(args, 'args')
  const text = problem ? undefined : JSON.stringify(args)
  if (text === undefined) throw new Error(`its args are not JSON-serialisable: ${problem ?? 'their toJSON() returned undefined'}`)
  return JSON.parse(text) as unknown
}

/**
 * The node's args as the tool gets them. Args that are one template of a field the start (or an
 * answer) left out (`args: '{{input.filters}}'`, `filters` optional) read as nothing, as such a
 * template does everywhere (a field left out of an args object is left out of the call): the tool
 * is called as a node without args is, with `{}`. A template of a field that does not exist still
 * fails (readPath), and so does an args function that returns undefined (asRecordedArgs).
 */
function argsOf(node: ToolNode, state: WorkflowState, authorCode: AuthorCode): unknown {
  const resolved = resolveInput(node.args, state, authorCode)
  if (resolved === undefined && isWholeTemplate(node.args)) return {}
  return asRecordedArgs(resolved, node.tool)
}

/**
 * The advice a denied call's error gives the model that asked for it (tool-errors.ts). A tool node
 * has no model: its error is read by people (the job's error, the failed node in the UI, a
 * `continueOnError` output a later node shows), to whom "tell the user it was not done" is noise.
 */
const MODEL_ADVICE = '. Do not retry it; tell the user it was not done'

/** The call's error as the node reports it: a denial without the advice meant for a model. */
function nodeError(outcome: { status: string, error?: string }): string | undefined {
  const error = outcome.error
  if (outcome.status !== 'denied' || !error?.endsWith(MODEL_ADVICE)) return error
  return error.slice(0, -MODEL_ADVICE.length)
}

/** Runs a tool node. */
export const runToolNode: NodeExecutor<ToolNode> = async ({ nodeId, node, state, context, authorCode, resumeAfter }) => {
  const args = node.args === undefined ? {} : argsOf(node, state, authorCode)
  const visit = state.visits[nodeId] ?? 1
  // Unique in the job: a takeover runs a cut-off attempt again with the same visit number.
  const taken = toolCallIndex(context.state().toolCalls)
  let id = `${nodeId}-${visit}`
  for (let attempt = 2; taken.has(id); attempt++) id = `${nodeId}-${visit}-attempt-${attempt}`
  // The call of the visit a takeover cut off, run again: its approval keeps its first deadline.
  const cutOff = resumeAfter !== Number.POSITIVE_INFINITY
  const askedAtJobMs = cutOff ? firstApprovalAskedAtJobMs(context.resumedFrom, nodeId, `${nodeId}-${visit}`, { name: node.tool, args }) : undefined
  // One the person had already decided on runs on that decision: they are not asked the same thing twice.
  const decidedBefore = cutOff ? approvalGivenBefore(context.resumedFrom, nodeId, `${nodeId}-${visit}`, { name: node.tool, args }) : undefined
  const call = { id, name: node.tool, args, step: 1, nodeId, ...(askedAtJobMs === undefined ? {} : { askedAtJobMs }), ...(decidedBefore ? { decidedBefore } : {}) }
  const outcome = await traceToolCall(context, call, () => executeToolCall(context, call))
  // Too large to be used whole (cut in its worker): the node fails as for any output over the limit.
  if (outcome.status === 'completed' && outcome.cut) checkRecordedBytes(nodeId, outcome.cut.bytes, context.maxEventBytes)
  if (outcome.status === 'completed') return outcome.result ?? null
  const error = nodeError(outcome)
  if (node.continueOnError) return { status: outcome.status, error: error ?? null }
  throw new ToolNodeError(`tool-${outcome.status}`, node.tool, `tool "${node.tool}" ended with ${outcome.status}${error ? `: ${error}` : ''}`)
}
