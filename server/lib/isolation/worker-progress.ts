/**
 * `ctx.progress` inside an isolation worker: the update is checked and bounded there (a TypeError
 * in the tool's own code for one that is not an update), then sent to the server on the answer
 * channel — at most one message per `WORKER_PROGRESS_INTERVAL_MS`, the latest update of the
 * interval at its end — so a tool reporting in a tight loop does not flood the server's thread
 * with messages. Closed before the call's answer is posted: nothing of the call follows its answer,
 * and its timer is cleared, so it never holds the worker (leftovers.ts).
 */
import type { ToolProgressUpdate } from '../tools/tool-progress'
import { toolProgressUpdate } from '../tools/tool-progress'

/** The shortest time between two progress messages of one call to the server. */
export const WORKER_PROGRESS_INTERVAL_MS = 50

/** A call's progress in its worker: `report` is its `ctx.progress`, `close` ends it (pending updates dropped). */
export interface WorkerProgress {
  report: (input: unknown) => void
  close: () => void
}

/** Progress that sends each update (at most one per interval) through `send`. */
export function createWorkerProgress(send: (update: ToolProgressUpdate) => void): WorkerProgress {
  let open = true
  let pending: ToolProgressUpdate | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastSentAtMs = Number.NEGATIVE_INFINITY
  const sendPending = () => {
    timer = null
    if (!open || !pending) return
    const update = pending
    pending = null
    lastSentAtMs = performance.now()
    send(update)
  }
  return {
    report(input) {
      if (!open) return
      pending = toolProgressUpdate(input)
      if (timer) return
      const waitMs = lastSentAtMs + WORKER_PROGRESS_INTERVAL_MS - performance.now()
      if (waitMs <= 0) return sendPending()
      timer = setTimeout(sendPending, waitMs)
      timer.unref?.()
    },
    close() {
      open = false
      pending = null
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
