/**
 * What a 409 for an answer to an unknown request id adds: the id the job does wait for. A
 * developer answering with curl sent the input node's id (`"requestId": "approval"`) or a tool
 * call's id and read only "is not pending for this job". The job is the requester's own (the
 * route checked its owner), so naming its pending request reveals nothing.
 */
import type { InputRequestOptions } from './run-context'

/** How many pending requests the hint names. */
const NAMED_REQUESTS = 3

/** One pending request as the hint names it. */
function described(options: Pick<InputRequestOptions, 'kind' | 'nodeId' | 'tool'>): string {
  if (options.kind === 'tool-approval') return `approval of tool "${options.tool ?? '?'}"`
  return options.nodeId ? `input node "${options.nodeId}"` : 'a question'
}

/**
 * The reason's rest after "is not pending for this job": empty when nothing is pending; else the
 * request whose node or tool call has the id sent, or the pending request ids.
 */
export function pendingRequestHint(sent: string, pending: ReadonlyMap<string, { options: InputRequestOptions }>): string {
  if (pending.size === 0) return ''
  for (const [requestId, { options }] of pending) {
    if (options.kind === 'tool-approval' && options.toolCallId === sent) return `: "${sent}" is the id of its tool call; answer its approval with requestId "${requestId}"`
    if (options.kind !== 'tool-approval' && options.nodeId === sent) return `: "${sent}" is the id of its input node; answer its question with requestId "${requestId}"`
  }
  const named = [...pending].slice(0, NAMED_REQUESTS).map(([requestId, { options }]) => `"${requestId}" (${described(options)})`)
  const more = pending.size > NAMED_REQUESTS ? `, and ${pending.size - NAMED_REQUESTS} more` : ''
  return `; it waits for an answer to ${named.join(', ')}${more}`
}
