/**
 * The composer's Stop. On an unfinished answer it aborts that answer's job. While a message is on
 * its way (the POST that starts its job not answered yet: a send, or an edit's save) Stop shows
 * already, as in ChatGPT and Claude: pressed then, it is remembered, and the job the send starts
 * is aborted as soon as its id is known (`started`); a send refused has nothing to stop, and Stop
 * is forgotten with it. An edit's save given up unanswered (timed out, cancelled) may still have
 * made its job: the Stop is handed over (`handOver`) to the request kept open for that job's id
 * (composables/useMessageEdit.ts), as a Stop before a post's response is (docs/decisions/047).
 * An answer still running while an edit's save is on its way is stopped at once as well (the edit
 * would end it too).
 * Once the abort route answered, Stop says "Stopping…" until the answer's turn has ended (its
 * stream's `job-end`): between the two it would show an enabled Stop for a moment, then Send.
 * A stream that does not bring the end within `STOP_END_WAIT_MS` does not hold it: the job is
 * read instead (`readJob`: the route answers once the end is stored), then Stop is given back.
 */
import type { Ref } from 'vue'
import { onScopeDispose, ref, watch } from 'vue'
import { failureText } from '../lib/wording'

/** How long "Stopping…" waits, after the abort route answered, for the turn's stream to bring its end before the job is read instead. */
export const STOP_END_WAIT_MS = 5_000

export interface ThreadStopOptions {
  /** The unfinished answer's job Stop aborts, or null (lib/turn-report.ts: stoppableJob). */
  stopJobId: Readonly<Ref<string | null>>
  /** A message is on its way: a send (useThreadSend's `sending`) or an edit's save (useMessageEdit's `saving`). */
  sending: Readonly<Ref<boolean>>
  /** useBackgroundJobs' `abort`. */
  abort: (jobId: string) => Promise<unknown>
  /** Reads the job's state into its turn (when its stream did not bring the end in time). */
  readJob?: (jobId: string) => Promise<unknown>
  /** Why the stop failed (shown by the composer). */
  composerError: Ref<string | null>
}

export function useThreadStop(options: ThreadStopOptions) {
  const stopping = ref(false)
  /** Stop was pressed while the message was on its way: the job its send starts is aborted once started. */
  let stopAsked = false
  /** The stop under way (the newest one sets `stopping`). */
  let current = 0
  /** The wait for a stopped turn's end: its watcher and its bound. */
  let stopWaiting: (() => void) | null = null

  function endWait(): void {
    stopWaiting?.()
    stopWaiting = null
  }

  /** Resolves once `jobId` is no longer the answer Stop applies to (its turn ended), or the bound passed. */
  function turnEnded(jobId: string): Promise<'ended' | 'late'> {
    if (options.stopJobId.value !== jobId) return Promise.resolve('ended')
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        endWait()
        resolve('late')
      }, STOP_END_WAIT_MS)
      const unwatch = watch(options.stopJobId, (next) => {
        if (next === jobId) return
        endWait()
        resolve('ended')
      })
      stopWaiting = () => {
        clearTimeout(timer)
        unwatch()
      }
    })
  }

  async function stopJob(jobId: string): Promise<void> {
    const stop = ++current
    endWait()
    stopping.value = true
    try {
      await options.abort(jobId)
    }
    catch (failure) {
      if (stop !== current) return
      options.composerError.value = failureText(failure, 'stop')
      stopping.value = false
      return
    }
    // Stopped: "Stopping…" until the turn says so, not an enabled Stop meanwhile. A read that
    // fails leaves the turn as it was (Stop is given back all the same; the job is stopped).
    if (stop === current && await turnEnded(jobId) === 'late') await options.readJob?.(jobId).catch(() => {})
    if (stop === current) stopping.value = false
  }

  /** Stop pressed (the button, Escape in the box). */
  async function stop(): Promise<void> {
    const jobId = options.stopJobId.value
    if (options.sending.value) {
      stopAsked = true
      stopping.value = true
      // An edit saved while an answer still runs: that answer stops now, the edit's once started.
      if (jobId) await options.abort(jobId).catch((failure) => {
        options.composerError.value = failureText(failure, 'stop')
      })
      return
    }
    if (jobId) return stopJob(jobId)
  }

  /** A send's job started (before its send settles): aborted now if Stop was pressed on its way. */
  function started(jobId: string): void {
    if (!stopAsked) return
    stopAsked = false
    void stopJob(jobId)
  }

  /**
   * The message on its way is given up without an answer (an edit's save that timed out or was
   * cancelled: the server may have made its job all the same): while a Stop waits for that job,
   * the Stop is taken from here and given back as the call that aborts the job once its id comes
   * late; null when no Stop waits. Called before the send settles (`sending` turns false).
   */
  function handOver(): ((jobId: string) => void) | null {
    if (!stopAsked) return null
    stopAsked = false
    stopping.value = false
    return (jobId) => {
      void stopJob(jobId)
    }
  }

  // The send settled without starting a job (refused, or not sent): nothing to stop. Synchronous,
  // so a Stop asked for a refused send never reaches the next one's job.
  watch(options.sending, (sending) => {
    if (sending || !stopAsked) return
    stopAsked = false
    stopping.value = false
  }, { flush: 'sync' })

  onScopeDispose(endWait)

  return { stop, stopping, started, handOver }
}
