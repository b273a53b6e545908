/**
 * Output node: its value becomes the job's final content. It is written as text (strings as they
 * are, anything else as JSON), so the job's `content` holds it for every viewer and the chat.
 */
import type { JobState } from '../../../../shared/reducer'
import type { OutputNode } from '../define'
import type { NodeExecutor } from '../node-executor'
import { asRecordedOutput, checkRecordedSize } from '../recorded-output'
import { resolveInput, toText } from '../resolve-inputs'

/**
 * True when the attempt a takeover cut off (`resumeAfter` finite) already wrote `text`: its text was
 * stored, its end was not (two writes; the owner lost between them). The job's content then ends
 * with it, after the paragraph break, from where the attempt started (`contentAt`).
 */
function writtenBefore(resumedFrom: JobState | null, nodeId: string, text: string, resumeAfter: number): boolean {
  const attempt = resumedFrom?.nodeStates[nodeId]
  if (resumeAfter === Number.POSITIVE_INFINITY || attempt?.contentAt === undefined || !text) return false
  const written = resumedFrom!.content.slice(attempt.contentAt)
  return written.endsWith(text) && /^\n{0,2}$/.test(written.slice(0, written.length - text.length))
}

/** Runs an output node. */
export const runOutputNode: NodeExecutor<OutputNode> = async ({ nodeId, node, state, context, authorCode, resumeAfter }) => {
  const resolved = resolveInput(node.value, state, authorCode)
  // Most likely a value function without a `return`: say so rather than end with empty content.
  if (resolved === undefined && typeof node.value === 'function') throw new Error('its value is undefined (does its value function return something?); give it a string or a JSON value')
  // A template of an optional field left out (`'{{input.note}}'`) reads as nothing, as inside text.
  const value = resolved === undefined ? '' : resolved
  const recorded = asRecordedOutput(value)
  // A value the node fails for (too large to record) is not written to the content first.
  checkRecordedSize(nodeId, recorded, context.maxEventBytes)
  const text = toText(recorded)
  if (!writtenBefore(context.resumedFrom, nodeId, text, resumeAfter)) context.text(text)
  return recorded
}
