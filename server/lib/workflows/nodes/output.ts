/**
 * Output node: its value becomes the job's final content. It is written as text (strings as they
 * are, anything else as JSON), so the job's `content` holds it for every viewer and the chat.
 */
import type { OutputNode } from '../define'
import type { NodeExecutor } from '../node-executor'
import { asRecordedOutput, checkRecordedSize } from '../recorded-output'
import { resolveInput, toText } from '../resolve-inputs'

/** Runs an output node. */
export const runOutputNode: NodeExecutor<OutputNode> = async ({ nodeId, node, state, context, authorCode }) => {
  const resolved = resolveInput(node.value, state, authorCode)
  // Most likely a value function without a `return`: say so rather than end with empty content.
  if (resolved === undefined && typeof node.value === 'function') throw new Error('its value is undefined (does its value function return something?); give it a string or a JSON value')
  // A template of an optional field left out (`'{{input.note}}'`) reads as nothing, as inside text.
  const value = resolved === undefined ? '' : resolved
  const recorded = asRecordedOutput(value)
  // A value the node fails for (too large to record) is not written to the content first.
  checkRecordedSize(nodeId, recorded, context.maxEventBytes)
  context.text(toText(recorded))
  return recorded
}
