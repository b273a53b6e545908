/**
 * Human approval of a tool call: asks through `context.requestInput` (the job shows `waiting`
 * with an `input-request`), then reads the answer. Unanswered requests are denied by default.
 */
import { cutText } from '../../../shared/cut-text'
import { InvalidAnswerError } from '../errors'
import type { RunContext } from '../run-context'
import type { ToolContextIds, ToolDefinition } from '../tools/types'
import { ignoreProgress } from './call-progress'
import type { DeadlineOptions } from './run-with-deadline'
import { runWithDeadline } from './run-with-deadline'
import { runAsToolCode } from '../tools/stray-errors'

/** A normalised approval answer. */
export interface ApprovalDecision {
  approved: boolean
  reason?: string
}

/** A denial's reason is kept up to this many characters (cut-text.ts). */
const MAX_REASON_CHARS = 500

const APPROVE_WORDS = new Set(['approve', 'approved', 'yes', 'allow'])
const DENY_WORDS = new Set(['deny', 'denied', 'no', 'reject'])

/** Whether `answer` is a word a tool approval takes (`'approve'`, `'Deny'`, …). */
export function isApprovalWord(answer: unknown): answer is string {
  if (typeof answer !== 'string') return false
  const word = answer.trim().toLowerCase()
  return APPROVE_WORDS.has(word) || DENY_WORDS.has(word)
}

/**
 * Reads an answer: `'approve' | 'deny'`, a boolean, `{ approved, reason? }` or `{ answer, reason? }`.
 * Throws `InvalidAnswerError` for anything else (the route answers 400; the job keeps waiting).
 */
export function parseApprovalAnswer(answer: unknown): ApprovalDecision {
  if (typeof answer === 'boolean') return { approved: answer }
  if (typeof answer === 'string') {
    const word = answer.trim().toLowerCase()
    if (APPROVE_WORDS.has(word)) return { approved: true }
    if (DENY_WORDS.has(word)) return { approved: false }
  }
  if (answer && typeof answer === 'object') {
    const { approved, answer: inner, reason } = answer as { approved?: unknown, answer?: unknown, reason?: unknown }
    if (reason !== undefined && reason !== null && typeof reason !== 'string') throw new InvalidAnswerError('A tool approval\'s reason must be a string')
    const decision = typeof approved === 'boolean' ? { approved } : inner !== undefined && typeof inner !== 'object' ? parseApprovalAnswer(inner) : undefined
    if (decision) return typeof reason === 'string' && reason.trim() ? { ...decision, reason: cutText(reason.trim(), MAX_REASON_CHARS) } : decision
  }
  throw new InvalidAnswerError('A tool approval takes "approve" or "deny", a boolean, or { approved: boolean, reason?: string }')
}

/**
 * True when this call must be approved first. The check is app code, so it runs like `execute`:
 * within the tool's time limit and ended by the job's abort, even if it ignores its signal. A
 * check that throws or does not answer in time counts as yes (failing closed: a broken or hanging
 * check must not let a sensitive call run unasked); an abort rejects with the job's reason.
 */
export async function callNeedsApproval(tool: ToolDefinition, args: unknown, toolContext: ToolContextIds, deadline: DeadlineOptions): Promise<boolean> {
  const { needsApproval } = tool
  if (typeof needsApproval !== 'function') return Boolean(needsApproval)
  // As code of the call (stray-errors.ts): its stray errors name the tool; one raised while it runs fails it.
  const outcome = await runWithDeadline(async signal => Boolean(await runAsToolCode(tool.name, { ...toolContext, signal, progress: ignoreProgress }, context => needsApproval(args, context))), deadline)
  if (outcome.kind === 'aborted') throw outcome.reason
  return outcome.kind === 'completed' ? outcome.value : true
}

/** The decision when nobody answered in time (`onTimeout: 'deny'`). */
export const APPROVAL_TIMED_OUT: ApprovalDecision = Object.freeze({ approved: false, reason: 'nobody answered the approval request in time' })

/** Asks the human; resolves with the decision. Rejects only when the job ends meanwhile. */
export async function requestApproval(context: RunContext, call: { id: string, tool: string, args: unknown, nodeId?: string, askedAtJobMs?: number }): Promise<ApprovalDecision> {
  const answer = await context.requestInput({
    kind: 'tool-approval',
    prompt: `Allow the tool "${call.tool}" to run with ${JSON.stringify(call.args)}?`,
    onTimeout: 'deny',
    toolCallId: call.id,
    tool: call.tool,
    args: call.args,
    validate: parseApprovalAnswer,
    ...(call.nodeId ? { nodeId: call.nodeId } : {}),
    ...(call.askedAtJobMs === undefined ? {} : { askedAtJobMs: call.askedAtJobMs }),
  })
  if (answer.timedOut) return APPROVAL_TIMED_OUT
  return parseApprovalAnswer(answer.answer)
}
