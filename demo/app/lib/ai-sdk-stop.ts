/**
 * The /ai-sdk page's Stop (and Escape): `stop()` only closes the SDK's response, so the chat's
 * jobs are aborted too — also one that waits for an approval, with no response open. The answers
 * the abort route stopped are marked so, and a screen reader hears it. `stopError` says why a Stop
 * did not stop the answer (its abort failed: the job goes on), as the main chat says it, until the
 * next Stop or message. While a stop is under way, `stopping` is true: Stop says "Stopping…" and
 * takes no second press, as the main chat's does. `unfollowed` says a failed Stop had closed the
 * answer's response: the answer may run on unseen, so Stop stays (to try again) and the page reads
 * the chat again when the server is back — or when a Stop then works: the answer it stopped holds
 * what it wrote unseen, which the server keeps as its partial answer. A Stop that closed a response
 * takes the stopped answer as the server kept it before Send is back: the job wrote on during the
 * abort's round trip (kept-stopped-answers.ts). A Stop right after Send, before any part of the
 * answer came, leaves the user's message last when the server's answer cannot be read (or there
 * was none yet): `stoppedUnanswered` is then the stopped answer the page shows under it — "Stopped
 * before any answer came." and Retry (the SDK's `regenerate()` asks that message again), as the
 * main chat's stopped turn and a reload show it — until a message follows it. The abort may reach
 * the server before that send's post has made its job (it finds nothing): the Stop waits for the
 * post it cut short (answered-post.ts) and, once the server took it, aborts again, so the job the
 * send made is stopped too, whichever request came first (docs/decisions/047).
 */
import type { UIMessage } from 'ai'
import type { Ref } from 'vue'
import { computed, readonly, ref, watch } from 'vue'
import { isStoppedAnswer, withStoppedAnswers } from './answer-end'
import { withKeptAnswers } from './kept-stopped-answers'
import type { AnswerAnnouncer } from './ai-sdk-announcements'
import type { CutShortPost } from './answered-post'
import { failureText } from './wording'

export interface AiSdkStopOptions {
  chatId: Ref<string>
  messages: Ref<UIMessage[]>
  /** A response is open (the SDK's `submitted` or `streaming`). */
  busy: Ref<boolean>
  /** The SDK's `stop()`. */
  stop: () => Promise<void>
  /** Puts the page's lines in its live region. */
  announce: (lines: string[]) => void
  /** The page's announcer of the moment (a new one for each chat). */
  announcer: () => AnswerAnnouncer
  /** Where the focus goes when Stop goes away. */
  focusAfterStop: () => void
  /** Reads the chat's messages again (after a Stop that stopped an answer the page no longer followed). */
  reread: () => void
  /** The send's post `stop()` cut short before its response came, and how it ended (answered-post.ts); null if none. */
  takeCutShortPost?: () => Promise<CutShortPost> | null
}

/** The jobs of two aborts, each once (the later's status wins). */
function withJobs<T extends { id: string }>(jobs: T[], later: T[]): T[] {
  return [...jobs.filter(job => !later.some(other => other.id === job.id)), ...later]
}

export function useAiSdkStop(options: AiSdkStopOptions) {
  const { chatId, messages, busy } = options
  /** Why the last Stop did not stop the answer; null otherwise. */
  const stopError = ref<string | null>(null)
  /** A stop under way (a repeated Escape or press must not abort again meanwhile). */
  const stopping = ref(false)
  /** The last Stop closed the answer's response but could not stop its job (the page clears it on a re-read, a message, another chat). */
  const unfollowed = ref(false)
  /** The user's message whose answer a Stop ended before any part of it came (none follows it on the page). */
  const stoppedBefore = ref<string | null>(null)
  watch(chatId, () => {
    stoppedBefore.value = null
  })
  /** The stopped answer shown under that message while it is the newest and no response writes. */
  const stoppedUnanswered = computed<UIMessage | null>(() => {
    const last = messages.value.at(-1)
    return !busy.value && last?.role === 'user' && last.id === stoppedBefore.value ? { id: `${last.id}:stopped`, role: 'assistant', metadata: { ended: 'aborted' }, parts: [] } : null
  })
  /**
   * The stopped answers (and `followed`, the one the closed response wrote) as the server kept
   * them. A read that fails leaves the text shown (the answer is stopped all the same).
   */
  async function keepServerText(jobs: { id: string, status: string }[], followed: string | null): Promise<void> {
    const id = chatId.value
    const ids = new Set([...jobs.filter(job => job.status === 'aborted').map(job => job.id), ...(followed ? [followed] : [])])
    try {
      const { messages: server } = await $fetch<{ messages: UIMessage[] }>(`/api/jobs/chat/${encodeURIComponent(id)}/messages`)
      if (id === chatId.value) messages.value = withKeptAnswers(messages.value, server, ids)
    }
    catch {
      // Shown as it was: the job is stopped, its kept text is there after a reload.
    }
  }
  /** Stop (`keepFocus`: by Escape, from the box, where the focus stays as in the main chat). */
  async function stopAnswer({ keepFocus = false } = {}): Promise<void> {
    if (stopping.value) return
    stopping.value = true
    if (!keepFocus) options.focusAfterStop()
    stopError.value = null
    const unseen = unfollowed.value
    const closed = busy.value || unseen
    // The answer the closed response was writing (it may have ended during the abort's round trip).
    const newest = messages.value.at(-1)
    const followed = busy.value && newest?.role === 'assistant' ? newest.id : null
    // `stop()` only closes the response (the job would keep running): abort the job too — also
    // one that waits for an approval, with no response open.
    if (busy.value) await options.stop()
    const cutShort = options.takeCutShortPost?.() ?? null
    const abort = () => $fetch<{ jobs: { id: string, status: string }[] }>(`/api/jobs/chat/${encodeURIComponent(chatId.value)}/abort`, { method: 'POST' })
    try {
      let { jobs } = await abort()
      // The send's post may reach the server after this abort: once its job is there, stop it too.
      // No response in time: it may still come, so the Stop is not sure (a TypeError: unreached).
      const post = cutShort ? await cutShort : null
      if (post === 'unknown') throw new TypeError('The message\'s post got no response')
      if (post === 'answered') jobs = withJobs(jobs, (await abort()).jobs)
      unfollowed.value = false
      // The answer ran on after the page stopped following it: show what the server kept.
      if (unseen) options.reread()
      // What it wrote while the abort was on its way: read before Send is given back (kept-stopped-answers.ts).
      else if (closed) await keepServerText(jobs, followed)
      messages.value = withStoppedAnswers(messages.value, jobs)
      const last = messages.value.at(-1)
      if (isStoppedAnswer(last?.metadata)) options.announce(options.announcer().end(last, 'stopped'))
      else if (last?.role === 'user' && closed && !unseen) {
        // Its answer never reached the page, nor did the server's stopped one (stopped before the job began, or not read).
        stoppedBefore.value = last.id
        options.announce(['Answer stopped.'])
      }
      else if (last?.role === 'user' && jobs.some(job => job.status === 'aborted')) options.announce(['Answer stopped.'])
    }
    catch (failure) {
      stopError.value = failureText(failure, 'stop')
      unfollowed.value = closed
    }
    finally {
      stopping.value = false
    }
  }
  return { stopError, stopAnswer, stopping: readonly(stopping), unfollowed, stoppedUnanswered }
}
