/**
 * Output node: its value becomes the job's final content. It is written as text (strings as they
 * are, anything else as JSON), so the job's `content` holds it for every viewer and the chat.
 */
import type { OutputNode } from '../define'
import type { NodeExecutor } from '../node-executor'
import { resolveInput, toText } from '../resolve-inputs'

/** Runs an output node. */
export const runOutputNode: NodeExecutor<OutputNode> = async ({ node, state, context }) => {
  const value = resolveInput(node.value, state)
  context.text(toText(value))
  return value
}
