/**
 * What `ctx.progress` does for one tool call: checks and bounds the update (tools/tool-progress.ts)
 * and records it as the call's `tool-progress`, merged by the run (at most one stored
 * per call per 250 ms, live-job.ts) — until the call returns: from then on (its result, error or time limit) every
 * update is ignored, also one its isolation worker sent before and the server reads after.
 */
import type { ToolProgressPayload } from '../../../shared/events'
import type { RunContext } from '../run-context'
import type { ToolProgressUpdate } from '../tools/tool-progress'
import { receivedProgressUpdate, toolProgressUpdate } from '../tools/tool-progress'

/** One call's progress, for the tool (in-process `report`, from a worker `received`) and its caller (`close`). */
export interface CallProgress {
  /** `ctx.progress` in-process: throws a TypeError for input that is not an update. */
  report: (input: unknown) => void
  /** An update an isolation worker sent (checked there; checked again here, never throws). */
  received: (input: unknown) => void
  /** The call returned: later updates are ignored. */
  close: () => void
}

/** Progress of `call` in `context`'s job. */
export function callProgress(context: RunContext, call: { id: string, nodeId?: string }): CallProgress {
  // Let go of once the call returned: a tool may keep its `ctx` (an interval that reports until
  // something that never comes), and through `report` it kept its job's whole run in memory.
  let run: RunContext | undefined = context
  const record = (update: ToolProgressUpdate) => {
    const event: ToolProgressPayload & { nodeId?: string } = { type: 'tool-progress', id: call.id, ...update, ...(call.nodeId ? { nodeId: call.nodeId } : {}) }
    run?.toolProgress(event)
  }
  return {
    report(input) {
      if (!run) return
      record(toolProgressUpdate(input))
    },
    received(input) {
      const update = run ? receivedProgressUpdate(input) : null
      if (update) record(update)
    },
    close() {
      run = undefined
    },
  }
}

/** `ctx.progress` where updates go nowhere (a `needsApproval` function, a tool run outside a call). */
export function ignoreProgress(): void {}
