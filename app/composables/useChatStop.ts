/**
 * Stop for an AI SDK chat on the layer's chat route (`useChat` of `@ai-sdk/vue` with
 * `DefaultChatTransport` pointed at `/api/jobs/chat`). The SDK's `stop()` only closes the response:
 * the background job would run on. `stop()` here closes it and stops the job too:
 *
 * - the chat's abort route (`POST /api/jobs/chat/:chatId/abort`) — also an answer that waits for an
 *   approval, with no response open;
 * - while it is under way `stopping` is true: hold Send and approval answers back (the route aborts
 *   every running job of the chat, so a message sent meanwhile would be stopped with it);
 * - the stopped answer as the server kept it: the job wrote on during the abort's round trip, so
 *   the messages route is read and the stopped answers taken from it (kept-stopped-answers.ts);
 * - a Stop right after Send, before any of the answer came, leaves the user's message last:
 *   `stoppedBeforeAnswer` names it, for the app to show a stopped answer (and Retry) under it;
 * - the abort may reach the server before the send's post made its job: with the transport's
 *   `fetch` from `createChatStopFetch()`, the Stop waits for the post it cut short (at most
 *   `CHAT_STOP_WAIT_MS`) and aborts again once the server answered it (docs/decisions/047). A post
 *   still unanswered then leaves the Stop failed (`stopError`, Stop offered again), and is followed
 *   on in the background: answered later (within `CUT_SHORT_POST_GIVE_UP_MS`, no other post since),
 *   its job is aborted then and the failure cleared. The aborts for that post stop only its job
 *   (the route's `{ messageId }`: its user message), not a message sent meanwhile from another tab.
 *
 * The chat is the one `chat.id` names; while that is empty (a new chat whose id the app has not
 * set yet), the one the transport posted to (its body's `id`, with `fetch`). With neither, nothing
 * of the chat reached the server through the transport: no abort is sent (without `fetch` that
 * cannot be known, and the Stop fails saying the chat has no id).
 *
 * A Stop that failed (`stopError`) after closing the response leaves `unfollowed` true: the answer
 * may run on unseen; keep Stop offered and read the chat again when the server is back.
 */
import { computed, getCurrentScope, onScopeDispose, readonly, ref, shallowRef, toValue, watch } from 'vue'
import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import type { ChatStopFetch, CutShortOutcome, CutShortPost } from '../lib/chat-stop-fetch'
import type { ChatStopMessage } from '../lib/kept-stopped-answers'
import { withKeptAnswers } from '../lib/kept-stopped-answers'

export { createChatStopFetch, CUT_SHORT_POST_GIVE_UP_MS } from '../lib/chat-stop-fetch'
export type { ChatStopFetch, ChatStopFetchOptions, CutShortOutcome, CutShortPost } from '../lib/chat-stop-fetch'
export type { ChatStopMessage } from '../lib/kept-stopped-answers'

/** How long a Stop waits ("Stopping…") for the post it cut short before it says it may not have stopped the answer. */
export const CHAT_STOP_WAIT_MS = 10_000

/** A job the abort route answered with: its id (the answer's message id) and status (`aborted` if it stopped it). */
export interface StoppedChatJob {
  id: string
  status: string
}

/** The chat as `useChat()` of `@ai-sdk/vue` gives it (its result fits as it is). */
export interface ChatStopChat<M extends ChatStopMessage> {
  /** The chat's id (the abort and messages routes' `:chatId`); empty or undefined: the one the transport posted to (above). */
  id: MaybeRefOrGetter<string | undefined>
  messages: Ref<M[]>
  /** The SDK's status (`submitted` and `streaming`: a response is open). */
  status: MaybeRefOrGetter<string>
  /** The SDK's `stop()`. */
  stop: () => Promise<void>
}

/** What a Stop that worked did, for the app's own words (marking the answers stopped, announcing). */
export interface ChatStopResult {
  /** The jobs of the abort route's answers (each once, the later answer's status). */
  jobs: StoppedChatJob[]
  /** The user's message is last with no answer: `stoppedBeforeAnswer` names it. */
  stoppedBeforeAnswer: boolean
}

export interface ChatStopOptions {
  /** The transport's `fetch` from `createChatStopFetch()`: without it a post cut short is not waited for. */
  fetch?: ChatStopFetch
  /** Called when a Stop worked, before `stopping` ends (also when a failed Stop's post is stopped later). */
  onStopped?: (result: ChatStopResult) => void
  /**
   * Reads the chat again after a Stop stopped an answer the page no longer followed (a failed
   * Stop had closed its response). @default the stopped answers are taken from the messages route
   */
  reread?: () => void
  /** @default CHAT_STOP_WAIT_MS */
  waitMs?: number
}

/** What `useChatStop` gives. */
export interface ChatStop {
  /** Stops the answer (above). A press while a Stop is under way does nothing. */
  stop: () => Promise<void>
  /** A Stop is under way: Stop says "Stopping…"; Send and approval answers wait. */
  stopping: Readonly<Ref<boolean>>
  /** Why the last Stop did not stop the answer (the abort's failure, or a `TypeError` when the post it cut short got no response in time); null otherwise. */
  stopError: Readonly<Ref<unknown>>
  /** The last Stop closed the answer's response but failed: it may run on unseen. */
  unfollowed: Readonly<Ref<boolean>>
  /** The user's message a Stop ended before any of its answer came, while it is last and no response is open; null otherwise. */
  stoppedBeforeAnswer: ComputedRef<string | null>
  /** Forgets a failed Stop (`stopError`, `unfollowed`): a new message, a read of the chat. */
  reset: () => void
}

/** Why a Stop failed when neither the app nor the transport named the chat (no `fetch`: a post may have gone unseen). */
const NO_CHAT_ID_MESSAGE = 'useChatStop: the chat has no id, so its answer cannot be stopped: give useChatStop the chat\'s id (useChat() has one) or the transport\'s fetch from createChatStopFetch()'

/** The jobs of two aborts, each once (the later's status wins). */
function withJobs(jobs: StoppedChatJob[], later: StoppedChatJob[]): StoppedChatJob[] {
  return [...jobs.filter(job => !later.some(other => other.id === job.id)), ...later]
}

/** Stop for an AI SDK chat (above). */
export function useChatStop<M extends ChatStopMessage>(chat: ChatStopChat<M>, options: ChatStopOptions = {}): ChatStop {
  const requestFetch = useJobsFetch()
  const waitMs = options.waitMs ?? CHAT_STOP_WAIT_MS
  const stopping = ref(false)
  const stopError = shallowRef<unknown>(null)
  const unfollowed = ref(false)
  const stoppedBefore = ref<string | null>(null)
  const busy = () => ['submitted', 'streaming'].includes(toValue(chat.status))
  const givenId = () => toValue(chat.id) ?? ''
  /** The chat the routes are asked about: the app's id, else the one the transport posted to; '' if none. */
  const chatId = () => givenId() || (options.fetch?.postedChatId() ?? '')
  watch(givenId, () => {
    stoppedBefore.value = null
    reset()
  })
  const stoppedBeforeAnswer = computed(() => {
    const last = chat.messages.value.at(-1)
    return !busy() && last?.role === 'user' && last.id === stoppedBefore.value ? last.id : null
  })
  /** Ends the waits for a cut-short post when the component goes (the Stop returns quietly). */
  const waits = new Set<() => void>()
  let disposed = false
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true
      for (const end of [...waits]) end()
      options.fetch?.dispose()
    })
  }

  function reset(): void {
    stopError.value = null
    unfollowed.value = false
  }
  /**
   * The chat's abort route: every running job of chat `id`, or with `messageId` only those answering
   * that user message. No chat known: nothing of it was posted (with `fetch`), so nothing to abort.
   */
  async function abort(id: string, messageId: string | null = null): Promise<{ jobs: StoppedChatJob[] }> {
    if (!id) {
      if (options.fetch) return { jobs: [] }
      throw new Error(NO_CHAT_ID_MESSAGE)
    }
    return await requestFetch<{ jobs: StoppedChatJob[] }>(`/api/jobs/chat/${encodeURIComponent(id)}/abort`, { method: 'POST', ...(messageId ? { body: { messageId } } : {}) })
  }
  /** The abort for a post the Stop cut short: in the chat it went to, only its message's job. */
  const abortPost = (post: CutShortPost, id: string) => abort(post.chatId ?? id, post.messageId)

  /** The stopped answers (and `followed`, the one the closed response wrote) as the server kept them; a failed read leaves them as shown. */
  async function keepServerText(id: string, jobs: StoppedChatJob[], followed: string | null): Promise<void> {
    // No chat known: nothing of it on the server to read.
    if (!id) return
    const ids = new Set([...jobs.filter(job => job.status === 'aborted').map(job => job.id), ...(followed ? [followed] : [])])
    try {
      const { messages: server } = await requestFetch<{ messages: M[] }>(`/api/jobs/chat/${encodeURIComponent(id)}/messages`)
      if (id === chatId()) chat.messages.value = withKeptAnswers(chat.messages.value, server, ids)
    }
    catch {
      // Shown as it was: the job is stopped, its kept text is there after a reload.
    }
  }

  /** How the cut-short post ended within `waitMs`: `pending` if it has not yet (or the component went). */
  function waitFor(post: CutShortPost): Promise<CutShortOutcome | 'pending'> {
    let timer: ReturnType<typeof setTimeout> | undefined
    let end: () => void = () => {}
    const waited = new Promise<'pending'>((settle) => {
      end = () => settle('pending')
      timer = setTimeout(end, waitMs)
    })
    waits.add(end)
    return Promise.race([post.ended, waited]).finally(() => {
      clearTimeout(timer)
      waits.delete(end)
    })
  }

  /**
   * A post the Stop gave up waiting for, answered later: its job is aborted then, unless the chat
   * moved on (a later post ends the jobs the client wrote past) or the component went.
   */
  function followLate(post: CutShortPost, id: string): void {
    void post.ended.then(async (outcome) => {
      if (disposed || outcome === 'gave-up' || post.overtaken()) return
      const jobs = outcome === 'answered' ? (await abortPost(post, id)).jobs : []
      if (disposed || id !== chatId() || stopping.value) return
      reset()
      if (options.reread) options.reread()
      else await keepServerText(id, jobs, null)
      options.onStopped?.({ jobs, stoppedBeforeAnswer: false })
    }).catch(() => {
      // The late abort failed too: the page still says the answer was not stopped (Stop offered).
    })
  }

  async function stop(): Promise<void> {
    if (stopping.value) return
    stopping.value = true
    stopError.value = null
    const id = chatId()
    const unseen = unfollowed.value
    const wasBusy = busy()
    const closed = wasBusy || unseen
    // The answer the closed response was writing (it may have ended during the abort's round trip).
    const newest = chat.messages.value.at(-1)
    const followed = wasBusy && newest?.role === 'assistant' ? newest.id : null
    if (wasBusy) await chat.stop()
    const cutShort = options.fetch?.takeCutShortPost() ?? null
    try {
      let { jobs } = await abort(id)
      // The send's post may reach the server after this abort: once its job is there, stop it too.
      const post = cutShort ? await waitFor(cutShort) : null
      if (disposed) return
      if (post === 'pending' || post === 'gave-up') {
        if (post === 'pending') followLate(cutShort!, id)
        throw new TypeError('The message\'s post got no response')
      }
      if (post === 'answered') jobs = withJobs(jobs, (await abortPost(cutShort!, id)).jobs)
      unfollowed.value = false
      // The answer ran on after the page stopped following it: show what the server kept.
      if (unseen) {
        if (options.reread) options.reread()
        else await keepServerText(id, jobs, null)
      }
      // What it wrote while the abort was on its way: read before Send is given back.
      else if (closed) await keepServerText(id, jobs, followed)
      const last = chat.messages.value.at(-1)
      // Its answer never reached the page, nor did the server's stopped one (stopped before the job began, or not read).
      const before = last?.role === 'user' && closed && !unseen
      if (before) stoppedBefore.value = last.id
      options.onStopped?.({ jobs, stoppedBeforeAnswer: before })
    }
    catch (failure) {
      stopError.value = failure
      unfollowed.value = closed
    }
    finally {
      stopping.value = false
    }
  }

  return { stop, stopping: readonly(stopping), stopError: readonly(stopError), unfollowed: readonly(unfollowed), stoppedBeforeAnswer, reset }
}
