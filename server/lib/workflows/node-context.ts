/**
 * The RunContext one node runs with: the node's own signal (job abort + node timeout), events and
 * text tagged with the node's id, and a blank line between the text of one node and the next.
 * Nodes of a parallel fan-out hold their text until they finish: the job's content is one string,
 * and chunks of three agents interleaved in it would be unreadable.
 */
import type { RunContext } from '../run-context'

/** A RunContext for one node. */
export interface NodeContext extends RunContext {
  /** Writes held text and reasoning to the job (no-op unless the text is held). */
  flushHeldText(): void
}

/** Options of a node context. */
export interface NodeContextOptions {
  nodeId: string
  signal: AbortSignal
  /** Hold text and reasoning until `flushHeldText` (parallel branches). @default false */
  holdText?: boolean
}

/** What to put before a node's first text so it starts a new paragraph of the job's content. */
function separatorAfter(content: string): string {
  if (!content || content.endsWith('\n\n')) return ''
  return content.endsWith('\n') ? '\n' : '\n\n'
}

/** Wraps the job's context for one node. Methods are forwarded, never copied, so `this` stays right. */
export function createNodeContext(context: RunContext, options: NodeContextOptions): NodeContext {
  const { nodeId, holdText = false } = options
  let started = false
  let heldText = ''
  let heldReasoning = ''

  const writeText = (delta: string, tag: string) => {
    if (!delta) return
    const separator = started ? '' : separatorAfter(context.state().content)
    started = true
    context.text(separator + delta, tag)
  }

  return {
    jobId: context.jobId,
    userId: context.userId,
    threadId: context.threadId,
    signal: options.signal,
    config: context.config,
    model: context.model,
    tools: context.tools,
    ...(context.isolation ? { isolation: context.isolation } : {}),
    workflows: context.workflows,
    timers: context.timers,
    defaultModel: context.defaultModel,
    resumedFrom: context.resumedFrom,
    text(delta, tag) {
      if (holdText) heldText += delta
      else writeText(delta, tag ?? nodeId)
    },
    reasoning(delta, tag) {
      if (holdText) heldReasoning += delta
      else context.reasoning(delta, tag ?? nodeId)
    },
    emit: event => context.emit({ ...event, nodeId: event.nodeId ?? nodeId }),
    state: () => context.state(),
    requestInput: request => context.requestInput({ ...request, nodeId: request.nodeId ?? nodeId }),
    prepareModelRequest: request => context.prepareModelRequest(request),
    addMetrics: metrics => context.addMetrics(metrics),
    flushHeldText() {
      if (heldReasoning) context.reasoning(heldReasoning, nodeId)
      writeText(heldText, nodeId)
      heldText = ''
      heldReasoning = ''
    },
  }
}
