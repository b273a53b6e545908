/**
 * "Edit" in the main chat (lib/message-edit.ts): posts the edited message to the AI SDK route, which
 * answers it again in its place and drops the turns after it (ending their answers that still run
 * or wait), and resolves once the stream names the new job. The request is then closed: the job
 * runs on, and its turn follows it like any other (JobTurn.vue). The thread then leaves out the
 * dropped turns and shows the edit as a new version of its turn (lib/answer-versions.ts), here, in
 * other tabs and after a reload.
 * A save is bounded (`EDIT_START_TIMEOUT_MS`) and can be given up (Cancel): a server that takes the
 * post and never answers would otherwise leave the edit box "Saving…" for good. While it is on its
 * way (`saving`) the thread treats it as a send: the composer offers Stop, and a Stop pressed then
 * stops the job the save starts (`onStarted` comes before the save settles). A save given up after
 * its post went (timed out, Cancel) may have made its job all the same: when a Stop waits for it
 * (`stopHandOver`), the request stays open for its stream's job id, for at most
 * `EDIT_LATE_STOP_MS`, and that job is stopped when it comes (docs/decisions/047's pattern).
 */
import type { Ref } from 'vue'
import { onScopeDispose, readonly, ref } from 'vue'
import { DEFAULT_CATALOG_LIMITS } from '../../../app/lib/catalog-limits'
import { CUT_SHORT_POST_GIVE_UP_MS } from '../../../app/lib/chat-stop-fetch'
import { createClientId } from '../../../app/composables/useBackgroundJobs'
import { underAppBase } from '../../../shared/app-base'
import { raceAbort } from '../../../shared/race-abort'
import { cutText } from '../../../shared/cut-text'
import { TITLE_MAX_CHARS } from '../../../shared/job-title'
import { promptProblem } from '../lib/history-window'
import type { ThreadJob } from '../lib/known-jobs'
import { editBody, editedMessageId, startedJobIdOf } from '../lib/message-edit'
import type { ListThreadPage } from '../lib/thread-current-jobs'
import { readThreadJobs, withThreadJobs } from '../lib/thread-current-jobs'
import { failureText } from '../lib/wording'

/** How long the server may take to start the edited message's answer (its stream's `start` chunk) before the save is given up. */
export const EDIT_START_TIMEOUT_MS = 20_000
/** A save that took longer than `EDIT_START_TIMEOUT_MS` (the box stays, with the text as written). */
export const EDIT_TIMED_OUT_TEXT = 'The server didn’t answer in time — your edit wasn’t saved. Try again.'
/**
 * A save the user gave up (Cancel): the message shows its earlier text. Had the server already
 * taken it, its new turn still comes (the notification stream), as an edit made in another tab.
 */
export const EDIT_CANCELLED_TEXT = 'Edit cancelled — your message is as it was.'
/** How long a save given up while a Stop waited for its job stays open for that job's id (as a post a Stop cut short). */
export const EDIT_LATE_STOP_MS = CUT_SHORT_POST_GIVE_UP_MS

/** A refused edit, shaped as the fetch errors `failureText` (lib/wording.ts) reads: status and the server's message. */
class EditRefused extends Error {
  constructor(readonly statusCode: number, readonly data: { message?: string }, readonly response: Response) {
    super(data.message ?? `Edit refused (${statusCode})`)
  }
}

/**
 * Starts the answer to the edited message `messageId` (`key`: its Idempotency-Key); resolves with
 * its job id, rejects with the refusal (or a network error).
 */
async function postEdit(url: string, body: Record<string, unknown>, signal: AbortSignal, key: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  })
  if (!response.ok || !response.body) {
    const data = await response.json().catch(() => ({})) as { message?: string }
    throw new EditRefused(response.status, data, response)
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let read = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      read += value
      const jobId = startedJobIdOf(read)
      if (jobId) return jobId
    }
  }
  finally {
    void reader.cancel().catch(() => {})
  }
  throw new EditRefused(502, { message: 'The answer to the edited message did not start.' }, response)
}

export interface MessageEditOptions {
  threadId: string
  turns: Ref<ThreadJob[]>
  threadJobs: Ref<ThreadJob[]>
  hasEarlier: Ref<boolean>
  useTools: Ref<boolean>
  listPage: ListThreadPage
  /** The new turn, to show at once (the list refresh brings the same). */
  onStarted: (job: ThreadJob) => void
  /** A save given up unanswered: the Stop waiting for its job, as the call that stops it (useThreadStop's `handOver`), or null. */
  stopHandOver?: () => ((jobId: string) => void) | null
}

export function useMessageEdit(options: MessageEditOptions) {
  const { catalog } = useJobCatalog()
  const { push: pushToast } = useToasts()
  // Under the app's base path, as the layer's own requests (shared/app-base.ts).
  const chatUrl = underAppBase(useRuntimeConfig().app.baseURL, '/api/jobs/chat')
  /** A save is on its way (the composer offers Stop meanwhile, as for a send: composables/useThreadStop.ts). */
  const saving = ref(false)
  /**
   * The newest save that got no answer (timed out, cancelled, the network gone): the server may
   * have taken it. Saved again unchanged, it goes with the same Idempotency-Key, and the server
   * gives back the job it started instead of answering the message a second time. Edited text
   * gets a key of its own (the route answers any body with the key's job).
   */
  let unanswered: { jobId: string, text: string, key: string } | null = null
  /** Saves given up while a Stop waited, kept open for their job's id, by Idempotency-Key: each one's close. */
  const kept = new Map<string, () => void>()

  /** Keeps a given-up save's request open until its stream names its job (`stop` then aborts it), it fails, or the bound passes. */
  function keepForStop(posted: Promise<string>, request: AbortController, key: string, stop: (jobId: string) => void): void {
    const close = () => {
      clearTimeout(timer)
      if (kept.get(key) === close) kept.delete(key)
      request.abort()
    }
    const timer = setTimeout(close, EDIT_LATE_STOP_MS)
    kept.set(key, close)
    posted.then((jobId) => {
      if (kept.get(key) !== close) return
      close()
      // Stopped: a save again asks anew (under this key the server would give back the stopped job).
      if (unanswered?.key === key) unanswered = null
      stop(jobId)
    }, close)
  }
  onScopeDispose(() => {
    for (const close of [...kept.values()]) close()
  })

  /**
   * Asks `job`'s message again as `text`: null once sent, else why not (shown by the edit box).
   * `signal` (Cancel) gives the save up: it resolves null, and a toast says the message is as it was.
   */
  async function editMessage(job: ThreadJob, text: string, signal?: AbortSignal): Promise<string | null> {
    if (saving.value) return 'The edit is still being sent.'
    const limits = catalog.value?.limits ?? DEFAULT_CATALOG_LIMITS
    const tooLong = promptProblem(text, limits)
    if (tooLong) return tooLong
    saving.value = true
    const post = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      post.abort()
    }, EDIT_START_TIMEOUT_MS)
    const giveUp = () => post.abort()
    signal?.addEventListener('abort', giveUp, { once: true })
    const key = unanswered?.jobId === job.id && unanswered.text === text ? unanswered.key : createClientId()
    unanswered = null
    // Saved again unchanged: the job its key gives back is asked for again, not stopped late.
    kept.get(key)?.()
    /** The post's own request: closed with the save, unless a Stop waits for the job it may have made. */
    const request = new AbortController()
    let posted: Promise<string> | null = null
    try {
      // The message's id depends on the thread's first jobs, maybe on pages not loaded.
      // Bounded like the post (the timeout, Cancel): a read that never answers must not hold the save.
      if (options.hasEarlier.value) options.threadJobs.value = await raceAbort(readThreadJobs(options.listPage, options.threadId), post.signal)
      post.signal.throwIfAborted()
      const messageId = editedMessageId(job, withThreadJobs(options.turns.value, options.threadJobs.value))
      const now = Date.now()
      posted = postEdit(chatUrl, editBody(options.threadId, messageId, text, options.useTools.value), request.signal, key)
      const id = await raceAbort(posted, post.signal)
      options.onStarted({
        id, type: 'chat', status: 'queued', threadId: options.threadId, messageId,
        title: cutText(text.replace(/\s+/g, ' ').trim(), TITLE_MAX_CHARS), prompt: text,
        // Never before a turn shown (the server's clock may be ahead): the thread is in createdAt order.
        createdAt: Math.max(now, ...options.turns.value.map(turn => turn.createdAt + 1)),
        updatedAt: now, endedAt: null, lastSeq: 0,
      })
      void refreshNuxtData('background-jobs:threads')
      return null
    }
    catch (failure) {
      if (!(failure instanceof EditRefused)) unanswered = { jobId: job.id, text, key }
      // Given up after the post went (timed out, Cancel): the server may have made its job.
      const stop = posted && post.signal.aborted ? options.stopHandOver?.() : null
      if (posted && stop) keepForStop(posted, request, key, stop)
      else request.abort()
      if (signal?.aborted) {
        pushToast({ tone: 'info', message: EDIT_CANCELLED_TEXT })
        return null
      }
      return timedOut ? EDIT_TIMED_OUT_TEXT : failureText(failure, 'send')
    }
    finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', giveUp)
      saving.value = false
    }
  }
  return { editMessage, saving: readonly(saving) }
}
