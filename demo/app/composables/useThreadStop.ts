/**
 * The composer's Stop. On an unfinished answer it aborts that answer's job. While a message is on
 * its way (the POST that starts its job not answered yet) Stop shows already, as in ChatGPT and
 * Claude: pressed then, it is remembered, and the job the send starts is aborted as soon as its id
 * is known (`started`); a send refused has nothing to stop, and Stop is forgotten with it.
 */
import type { Ref } from 'vue'
import { failureText } from '../lib/wording'

export interface ThreadStopOptions {
  /** The unfinished answer's job Stop aborts, or null (lib/turn-report.ts: stoppableJob). */
  stopJobId: Readonly<Ref<string | null>>
  /** A send is on its way (useThreadSend's `sending`). */
  sending: Readonly<Ref<boolean>>
  /** useBackgroundJobs' `abort`. */
  abort: (jobId: string) => Promise<unknown>
  /** Why the stop failed (shown by the composer). */
  composerError: Ref<string | null>
}

export function useThreadStop(options: ThreadStopOptions) {
  const stopping = ref(false)
  /** Stop was pressed while the message was on its way: the job its send starts is aborted once started. */
  let stopAsked = false

  async function stopJob(jobId: string): Promise<void> {
    stopping.value = true
    try {
      await options.abort(jobId)
    }
    catch (failure) {
      options.composerError.value = failureText(failure, 'stop')
    }
    finally {
      stopping.value = false
    }
  }

  /** Stop pressed (the button, Escape in the box). */
  async function stop(): Promise<void> {
    const jobId = options.stopJobId.value
    if (jobId) return stopJob(jobId)
    if (!options.sending.value) return
    stopAsked = true
    stopping.value = true
  }

  /** A send's job started (before its send settles): aborted now if Stop was pressed on its way. */
  function started(jobId: string): void {
    if (!stopAsked) return
    stopAsked = false
    void stopJob(jobId)
  }

  // The send settled without starting a job (refused, or not sent): nothing to stop. Synchronous,
  // so a Stop asked for a refused send never reaches the next one's job.
  watch(options.sending, (sending) => {
    if (sending || !stopAsked) return
    stopAsked = false
    stopping.value = false
  }, { flush: 'sync' })

  return { stop, stopping, started }
}
