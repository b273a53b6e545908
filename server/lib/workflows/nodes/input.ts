/**
 * Input node: asks the human through the job's input request (the job shows `waiting`). The answer
 * is parsed by the node's zod schema before it is accepted; a wrong shape is refused with a message
 * naming the field (the route answers 400) and the job keeps waiting. On expiry `onTimeout` applies.
 */
import type { z } from 'zod'
import { InvalidAnswerError } from '../../errors'
import type { InputNode } from '../define'
import type { NodeExecutor } from '../node-executor'
import { resolveText } from '../resolve-inputs'
import { recordedAnswerAsReadNow } from '../recorded-answer'
import { describeIssues } from '../../describe-issues'
import { withApprovalWordHint } from '../approval-word-answer'
import { safeParseSync, TooManyProblemsError } from '../../zod-schema'
import { nullsAsAbsent } from '../../tools/nulls-as-absent'
import { checkedByAppSchema } from '../app-schema-check'
import { issueCountOf, withIssueCount } from '../../validation-budget'
import { expiredMessage, timeoutAnswer } from '../../input-requests'
import { JobFailure } from '../../run-context'
import { firstAskedAtJobMs } from '../asked-before'
import { askedWithSchemaHere } from '../asked-schema'
import type { StoredAnswer } from '../resume'
import type { WorkflowGraph } from '../validate'

function hasReason(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && (value as { reason?: unknown }).reason !== undefined
}

/**
 * True when the answer's reason says something. A null or blank one (a form's empty reason box)
 * is none, as a tool approval reads it: a schema with no field for it takes the answer without it.
 */
function givesReason(value: unknown): boolean {
  if (!hasReason(value)) return false
  const reason = (value as { reason: unknown }).reason
  return reason !== null && !(typeof reason === 'string' && !reason.trim())
}

const NO_REASON_FIELD = 'Invalid answer: reason: this input has no field for a reason'

/** The answer as it was before a reason was put in it (http/schemas.ts `withReason`): the object without it, or the wrapped answer. */
function withoutReason(answer: unknown): unknown[] {
  const { reason: _reason, ...rest } = answer as Record<string, unknown>
  const keys = Object.keys(rest)
  return keys.length === 1 && keys[0] === 'answer' ? [rest, rest.answer] : [rest]
}

/**
 * Parses an answer with the node's schema; throws `InvalidAnswerError` naming the problem. A
 * `reason` (e.g. the one beside the answer in `POST …/input`) the schema would strip is refused
 * too: it is never dropped unseen. A refusal carries the issues of every check it ran: refused
 * answers cost their sender's budget (validation-budget.ts).
 */
export function parseAnswer(schema: z.ZodType, answer: unknown, what = 'answer'): unknown {
  try {
    return checkedAnswer(schema, answer, what)
  }
  catch (error) {
    // Its issue count too (the budget's whole minute: it cost that much).
    if (error instanceof TooManyProblemsError) throw withIssueCount(new InvalidAnswerError(`Invalid answer: ${error.message}`), issueCountOf(error))
    throw error
  }
}

/**
 * The schema's reading of an answer. An optional question left unanswered: JSON (and the route,
 * which requires `answer`) has no missing value, so `null` is the answer left out, read as the
 * schema reads a missing one (a schema that takes null itself gets null). So is a `null` for an
 * optional field of the answer that does not take null (`{ "feedback": null }`, nulls-as-absent.ts).
 */
function readAnswer(schema: z.ZodType, answer: unknown, what: string): ReturnType<z.ZodType['safeParse']> {
  const parsed = safeParseSync(schema, nullsAsAbsent(schema, answer), what)
  if (parsed.success || answer !== null) return parsed
  const left = safeParseSync(schema, undefined, what)
  return left.success ? left : parsed
}

function checkedAnswer(schema: z.ZodType, answer: unknown, what: string): unknown {
  const parsed = readAnswer(schema, answer, what)
  if (!parsed.success) {
    let issues = parsed.error.issues.length
    // The answer fits without the reason (`{ answer, reason }` from the route, for an answer that
    // is no object): the reason is the problem, not the answer. The checks without it count too:
    // for `{ answer, reason }` the first fails on the wrapper alone, the answer's own items after.
    if (hasReason(answer)) {
      for (const candidate of withoutReason(answer)) {
        const again = readAnswer(schema, candidate, what)
        if (again.success && !givesReason(answer)) return again.data
        if (again.success) throw withIssueCount(new InvalidAnswerError(NO_REASON_FIELD), issues)
        issues += again.error.issues.length
      }
    }
    // A problem with the answer as a whole names the body's field, `answer`, not `(root)`.
    throw withIssueCount(new InvalidAnswerError(`Invalid answer: ${describeIssues(parsed.error, 'answer', true)}`), issues)
  }
  if (givesReason(answer) && !hasReason(parsed.data)) throw new InvalidAnswerError(NO_REASON_FIELD)
  return parsed.data
}

/**
 * `parseAnswer` for a user's answer: a throw of the schema's own code (a refine whose database
 * lookup failed) is the app's failure, not the answer's — `SchemaCheckFailedError` (a 5xx; the
 * route logs it) — and the job keeps waiting.
 */
function parseUserAnswer(schema: z.ZodType, answer: unknown, what: string): unknown {
  return checkedByAppSchema(what, () => parseAnswer(schema, answer, what))
}

/** Runs an input node; its output is the accepted answer (or the timeout answer). */
export const runInputNode: NodeExecutor<InputNode> = async ({ nodeId, node, state, context, graph, authorCode, storedAnswer, resumeAfter }) => {
  // Resumed after a takeover that came once the answer was stored: not asked again (resume.ts),
  // unless a deploy since changed the node's schema to one that refuses it.
  const stored = storedAnswer && !storedAnswer.timedOut ? storedAnswerTaken(node, nodeId, graph, storedAnswer) : storedAnswer
  // Refused: the question asked again says whose answer it was not taken for (a retry of it is a 409).
  const replaces = storedAnswer && !stored ? storedAnswer.requestId : undefined
  // The visit a takeover cut off, asked again: it keeps the deadline it was first asked with (the
  // refused answer's question's, or the one left open).
  const askedAtJobMs = resumeAfter === Number.POSITIVE_INFINITY ? undefined : replaces !== undefined ? storedAnswer!.askedAtJobMs : firstAskedAtJobMs(context.resumedFrom, nodeId)
  const answer = stored ?? await context.requestInput({
    kind: 'workflow-input',
    prompt: askedPrompt(node, state, authorCode),
    schema: graph.answerSchemas.get(nodeId)?.read() ?? undefined,
    validate: answer => withApprovalWordHint(answer, nodeId, () => parseUserAnswer(node.schema, answer, `input node "${nodeId}" answer`)),
    onTimeout: node.onTimeout ?? 'fail',
    ...(node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
    ...(node.timeoutAnswer !== undefined ? { timeoutAnswer: node.timeoutAnswer } : {}),
    ...(askedAtJobMs === undefined ? {} : { askedAtJobMs }),
    ...(replaces === undefined ? {} : { replaces }),
    nodeId,
  })
  // A timeout answer was checked against the schema at boot; parse it so defaults apply alike.
  if (!answer.timedOut) return answer.answer
  try {
    return parseAnswer(node.schema, answer.answer, `input node "${nodeId}" answer`)
  }
  catch (error) {
    // Stored by an earlier version of the node, whose schema a deploy changed since: nobody
    // answered, so the node's timeout as registered now applies, not a refusal of an answer nobody sent.
    if (answer !== storedAnswer || !(error instanceof InvalidAnswerError)) throw error
    return timedOutNow(node, nodeId, state, authorCode)
  }
}

/**
 * A person's answer the earlier run stored before the node ended, as the node reads it now (a
 * default a deploy added: recorded-answer.ts). Undefined when the question was asked with another
 * schema and this one refuses the answer (a required field added): the node's output would lack
 * what later nodes read, so the question is asked again in its new form. An answer asked with
 * this schema stands as it was taken; so does one whose check throws (it cannot judge it).
 */
function storedAnswerTaken(node: InputNode, nodeId: string, graph: WorkflowGraph, stored: StoredAnswer): StoredAnswer | undefined {
  if (!askedWithSchemaHere(graph, nodeId, stored.askedSchema)) {
    try {
      parseAnswer(node.schema, stored.answer, `input node "${nodeId}" answer`)
    }
    catch (error) {
      if (error instanceof InvalidAnswerError) return undefined
    }
  }
  return { ...stored, answer: recordedAnswerAsReadNow(node, stored.answer) }
}

/**
 * The question as the person reads it. A blank one (a prompt function or a template of a field the
 * start left out that gives '') would ask nothing, and the job would wait for an answer to it: the
 * node fails naming it instead.
 */
function askedPrompt(node: InputNode, state: Parameters<typeof resolveText>[1], authorCode: Parameters<typeof resolveText>[2]): string {
  const prompt = resolveText(node.prompt, state, authorCode, 'prompt')
  if (!prompt.trim()) throw new Error(`its prompt is blank, so the person would be asked nothing (check the ${typeof node.prompt === 'function' ? 'function' : 'template'} that writes it)`)
  return prompt
}

/** The outcome of a question that timed out, by the node's `onTimeout` as registered now. */
function timedOutNow(node: InputNode, nodeId: string, state: Parameters<typeof resolveText>[1], authorCode: Parameters<typeof resolveText>[2]): unknown {
  const onTimeout = node.onTimeout ?? 'fail'
  if (onTimeout === 'fail' || onTimeout === 'abort') {
    throw new JobFailure('input-timeout', expiredMessage({ prompt: resolveText(node.prompt, state, authorCode, 'prompt'), nodeId }), { failedDuring: 'workflow-node', nodeId })
  }
  return parseAnswer(node.schema, timeoutAnswer({ onTimeout, ...(node.timeoutAnswer !== undefined ? { timeoutAnswer: node.timeoutAnswer } : {}) }), `input node "${nodeId}" answer`)
}
