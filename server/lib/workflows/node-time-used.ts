/**
 * The node time (`limits.nodeTimeoutMs`) a workflow node's visit used before a takeover cut it off,
 * read from the stored log on the job's clock (the job's age, which every owner keeps from the
 * store's clock: job-start.ts), so the node run again gets only what is left, as the job gets only
 * what is left of its own limit. No instance's wall clock is compared with another's.
 *
 * The cut-off attempt used the time from its start (`startedAtJobMs`) to the takeover — the time
 * between the lost owner's death and the takeover counts, as for the job's limit — less its waits
 * for a human (its questions and approvals: the node's clock stops then, node-deadline.ts). A wait
 * still open when the owner was lost lasted until the takeover. Attempts before it (earlier
 * takeovers) are in its `usedMs`. A node an earlier version started says neither: 0 (a whole limit).
 */
import type { JobState, PendingInput } from '../../../shared/reducer'
import { VOIDED_BY_TAKEOVER } from '../answer-taken'
import { isCallOfVisit } from './asked-before'

/** Ms of node time the cut-off visit of `nodeId` used before `jobAgeMs` (the job's age now). */
export function nodeTimeUsed(resumedFrom: JobState | null, nodeId: string, jobAgeMs: number): number {
  const node = resumedFrom?.nodeStates[nodeId]
  if (!resumedFrom || node?.startedAtJobMs === undefined) return 0
  const start = node.startedAtJobMs
  const waits: Array<[number, number]> = []
  // A tool node's approval asked again keeps its first asking's `askedAtJobMs` (asked-before.ts):
  // the approval of this visit's call (the cut-off visit is listed once: its number is the node's
  // count in the order) waited from the attempt's start at the earliest (asked as it begins).
  const visitCallId = `${nodeId}-${resumedFrom.executionOrder.filter(id => id === nodeId).length}`
  const askedAt = (input: PendingInput): number | undefined => {
    if (input.nodeId !== nodeId || input.askedAtJobMs === undefined) return undefined
    if (input.askedAtJobMs >= start) return input.askedAtJobMs
    return node.kind === 'tool' && input.kind === 'tool-approval' && isCallOfVisit(input.toolCallId, visitCallId) ? start : undefined
  }
  const add = (input: PendingInput, end: (from: number) => number) => {
    const from = askedAt(input)
    if (from === undefined) return
    const until = Math.min(jobAgeMs, end(from))
    if (until > from) waits.push([from, until])
  }
  for (const input of resumedFrom.pendingInputs) add(input, () => jobAgeMs)
  for (const input of resumedFrom.answeredInputs) {
    // Answered by its asker: how long it waited on that owner's clock. Voided by a takeover: until then.
    add(input, from => input.answeredBy === VOIDED_BY_TAKEOVER ? jobAgeMs : from + (input.answeredAt - input.requestedAt))
  }
  return (node.usedMs ?? 0) + Math.max(0, jobAgeMs - start - unionLength(waits))
}

/** The time covered by intervals that may overlap (parallel calls waiting for approval at once). */
function unionLength(intervals: Array<[number, number]>): number {
  let total = 0
  let reach = Number.NEGATIVE_INFINITY
  for (const [from, to] of intervals.sort((a, b) => a[0] - b[0])) {
    if (to <= reach) continue
    total += to - Math.max(from, reach)
    reach = to
  }
  return total
}
