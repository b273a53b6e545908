/**
 * Stop for an AI SDK chat on the layer's chat route, with no framework in it: `createChatStop()`
 * holds the Stop's state and steps, and a binding gives it the chat and shows its state — Vue's
 * `useChatStop` (app/composables/useChatStop.ts), React's (`nuxt-background-jobs/react`,
 * docs/decisions/051), or an app's own through `subscribe` and `getSnapshot` (the shape React's
 * `useSyncExternalStore` takes). The SDK's `stop()` only closes the response: the background job
 * would run on. `stop()` here closes it and stops the job too:
 *
 * - the chat's abort route (`POST /api/jobs/chat/:chatId/abort`) — also an answer that waits for an
 *   approval, with no response open;
 * - while it is under way `stopping` is true: hold Send and approval answers back (the route aborts
 *   every running job of the chat, so a message sent meanwhile would be stopped with it);
 * - the stopped answer as the server kept it: the job wrote on during the abort's round trip, so
 *   the messages route is read and the stopped answers taken from it (kept-stopped-answers.ts);
 * - a Stop right after Send, before any of the answer came, leaves the user's message last:
 *   `stoppedBeforeAnswerOf` names it, for the app to show a stopped answer (and Retry) under it;
 * - the abort may reach the server before the send's post made its job: with the transport's
 *   `fetch` from `createChatStopFetch()`, the Stop waits for the post it cut short (at most
 *   `CHAT_STOP_WAIT_MS`) and aborts again once the server answered it (docs/decisions/047). A post
 *   still unanswered then leaves the Stop failed (`stopError`, Stop offered again), and is followed
 *   on in the background: answered later (within `CUT_SHORT_POST_GIVE_UP_MS`, no other post since),
 *   its job is aborted then and the failure cleared. The aborts for that post stop only its job
 *   (the route's `{ messageId }`: its user message), not a message sent meanwhile from another tab.
 *
 * The chat is the one `source.id()` names; while that is empty (a new chat whose id the app has not
 * set yet), the one the transport posted to (its body's `id`, with `fetch`). With neither, nothing
 * of the chat reached the server through the transport: no abort is sent (without `fetch` that
 * cannot be known, and the Stop fails saying the chat has no id).
 *
 * A Stop that failed (`stopError`) after closing the response leaves `unfollowed` true: the answer
 * may run on unseen; keep Stop offered and read the chat again when the server is back.
 */
import type { ChatStopFetch, CutShortOutcome, CutShortPost } from './chat-stop-fetch'
import type { ChatStopMessage } from './kept-stopped-answers'
import { withKeptAnswers } from './kept-stopped-answers'
import { createListenerSet } from './listener-set'

/** How long a Stop waits ("Stopping…") for the post it cut short before it says it may not have stopped the answer. */
export const CHAT_STOP_WAIT_MS = 10_000

/** The transport's `api`: the chat's routes are under it (`<api>/:chatId/abort`, `<api>/:chatId/messages`). */
export const CHAT_API = '/api/jobs/chat'

/** A job the abort route answered with: its id (the answer's message id) and status (`aborted` if it stopped it). */
export interface StoppedChatJob {
  id: string
  status: string
}

/** What a Stop that worked did, for the app's own words (marking the answers stopped, announcing). */
export interface ChatStopResult {
  /** The jobs of the abort route's answers (each once, the later answer's status). */
  jobs: StoppedChatJob[]
  /** The user's message is last with no answer: `stoppedBeforeAnswer` names it. */
  stoppedBeforeAnswer: boolean
}

/** The chat as the Stop reads and writes it, through functions a binding gives (each read when it is needed). */
export interface ChatStopSource<M extends ChatStopMessage> {
  /** The app's chat id (the routes' `:chatId`); empty or undefined: the one the transport posted to (above). */
  id: () => string | undefined
  /** The chat's messages as shown. */
  messages: () => readonly M[]
  /** Replaces the messages with `update(current)` (the stopped answers as the server kept them). */
  updateMessages: (update: (messages: M[]) => M[]) => void
  /** The SDK's status (`submitted` and `streaming`: a response is open). */
  status: () => string
  /** The SDK's `stop()`. */
  stop: () => Promise<void>
}

/** A JSON request to the chat's routes, `$fetch`'s way: resolves with the parsed body, rejects on a failed or non-2xx one. */
export type ChatRouteRequest = (url: string, options?: { method: 'POST', body?: { messageId: string } }) => Promise<unknown>

/** What the Stop is told; each option is read when it is used (a binding may pass getters of the latest ones). */
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

/** What `createChatStop` needs besides the options an app gives: how it reaches the chat's routes. */
export interface ChatStopRoutes {
  /** Sends the abort and messages requests. */
  request: ChatRouteRequest
  /** The transport's `api` (the app's base path included, if it has one). @default CHAT_API */
  api?: string
}

/** The Stop's state: a new object on each change, the same one otherwise (a `getSnapshot`). */
export interface ChatStopState {
  /** A Stop is under way: Stop says "Stopping…"; Send and approval answers wait. */
  readonly stopping: boolean
  /** Why the last Stop did not stop the answer (the abort's failure, or a `TypeError` when the post it cut short got no response in time); null otherwise. */
  readonly stopError: unknown
  /** The last Stop closed the answer's response but failed: it may run on unseen. */
  readonly unfollowed: boolean
  /** The user's message the last Stop ended before any of its answer came (`stoppedBeforeAnswerOf` says whether it still is). */
  readonly stoppedBefore: string | null
}

/** What `createChatStop` gives. */
export interface ChatStopCore {
  /** Stops the answer (above). A press while a Stop is under way does nothing. */
  stop: () => Promise<void>
  /** Forgets a failed Stop (`stopError`, `unfollowed`): a new message, a read of the chat. */
  reset: () => void
  /** The state now. */
  getSnapshot: () => ChatStopState
  /** Calls `listener` after each change of the state; returns the unsubscribe. */
  subscribe: (listener: () => void) => () => void
  /** The app's chat id is now `id`: another chat than before forgets the last Stop's outcome. */
  noteChatId: (id: string | undefined) => void
  /**
   * Ties the Stop to the component that shows it; returns what to call when it goes: the waits for
   * a post end (the Stop returns quietly), the posts kept open close, no late abort follows.
   * Connecting again (React's Strict Mode mounts twice) makes it live again.
   */
  connect: () => () => void
}

/** Why a Stop failed when neither the app nor the transport named the chat (no `fetch`: a post may have gone unseen). */
const NO_CHAT_ID_MESSAGE = 'useChatStop: the chat has no id, so its answer cannot be stopped: give useChatStop the chat\'s id (useChat() has one) or the transport\'s fetch from createChatStopFetch()'

/** The SDK's status says a response is open. */
const isBusy = (status: string) => ['submitted', 'streaming'].includes(status)

/** The user's message a Stop ended before any of its answer came (`stoppedBefore`), while it is last and no response is open; null otherwise. */
export function stoppedBeforeAnswerOf(stoppedBefore: string | null, messages: readonly ChatStopMessage[], status: string): string | null {
  const last = messages.at(-1)
  return !isBusy(status) && last?.role === 'user' && last.id === stoppedBefore ? last.id : null
}

/** The jobs of two aborts, each once (the later's status wins). */
function withJobs(jobs: StoppedChatJob[], later: StoppedChatJob[]): StoppedChatJob[] {
  return [...jobs.filter(job => !later.some(other => other.id === job.id)), ...later]
}

/** Creates the Stop of one chat (above). */
export function createChatStop<M extends ChatStopMessage>(source: ChatStopSource<M>, options: ChatStopOptions, routes: ChatStopRoutes): ChatStopCore {
  let state: ChatStopState = { stopping: false, stopError: null, unfollowed: false, stoppedBefore: null }
  const listeners = createListenerSet<void>()
  let knownId = source.id() ?? ''
  /** Ends the waits for a cut-short post when the component goes (the Stop returns quietly). */
  const waits = new Set<() => void>()
  let disposed = false
  const givenId = () => source.id() ?? ''
  /** The chat the routes are asked about: the app's id, else the one the transport posted to; '' if none. */
  const chatId = () => givenId() || (options.fetch?.postedChatId() ?? '')
  const route = (id: string, name: 'abort' | 'messages') => `${routes.api ?? CHAT_API}/${encodeURIComponent(id)}/${name}`

  function update(change: Partial<ChatStopState>): void {
    if (Object.entries(change).every(([key, value]) => Object.is(state[key as keyof ChatStopState], value))) return
    state = { ...state, ...change }
    for (const listener of listeners.snapshot()) listener()
  }

  function reset(): void {
    update({ stopError: null, unfollowed: false })
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
    return await routes.request(route(id, 'abort'), { method: 'POST', ...(messageId ? { body: { messageId } } : {}) }) as { jobs: StoppedChatJob[] }
  }
  /** The abort for a post the Stop cut short: in the chat it went to, only its message's job. */
  const abortPost = (post: CutShortPost, id: string) => abort(post.chatId ?? id, post.messageId)

  /**
   * The stopped answers (and `followed`, the one the closed response wrote) as the server kept them;
   * a failed read leaves them as shown. Gives the messages it wrote, or null if it wrote none.
   */
  async function keepServerText(id: string, jobs: StoppedChatJob[], followed: string | null): Promise<M[] | null> {
    // No chat known: nothing of it on the server to read.
    if (!id) return null
    const ids = new Set([...jobs.filter(job => job.status === 'aborted').map(job => job.id), ...(followed ? [followed] : [])])
    try {
      const { messages: server } = await routes.request(route(id, 'messages')) as { messages: M[] }
      if (id !== chatId()) return null
      let written: M[] | null = null
      source.updateMessages(messages => (written = withKeptAnswers(messages, server, ids)))
      return written
    }
    catch {
      // Shown as it was: the job is stopped, its kept text is there after a reload.
      return null
    }
  }

  /** How the cut-short post ended within `waitMs`: `pending` if it has not yet (or the component went). */
  function waitFor(post: CutShortPost): Promise<CutShortOutcome | 'pending'> {
    let timer: ReturnType<typeof setTimeout> | undefined
    let end: () => void = () => {}
    const waited = new Promise<'pending'>((settle) => {
      end = () => settle('pending')
      timer = setTimeout(end, options.waitMs ?? CHAT_STOP_WAIT_MS)
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
      if (disposed || id !== chatId() || state.stopping) return
      reset()
      if (options.reread) options.reread()
      else await keepServerText(id, jobs, null)
      options.onStopped?.({ jobs, stoppedBeforeAnswer: false })
    }).catch(() => {
      // The late abort failed too: the page still says the answer was not stopped (Stop offered).
    })
  }

  async function stop(): Promise<void> {
    if (state.stopping) return
    update({ stopping: true, stopError: null })
    const id = chatId()
    const unseen = state.unfollowed
    const wasBusy = isBusy(source.status())
    const closed = wasBusy || unseen
    // The answer the closed response was writing (it may have ended during the abort's round trip).
    const newest = source.messages().at(-1)
    const followed = wasBusy && newest?.role === 'assistant' ? newest.id : null
    if (wasBusy) await source.stop()
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
      update({ unfollowed: false })
      let written: M[] | null = null
      // The answer ran on after the page stopped following it: show what the server kept.
      if (unseen) {
        if (options.reread) options.reread()
        else written = await keepServerText(id, jobs, null)
      }
      // What it wrote while the abort was on its way: read before Send is given back.
      else if (closed) written = await keepServerText(id, jobs, followed)
      // The messages just written (a binding's read may lag behind its own write).
      const last = (written ?? source.messages()).at(-1)
      // Its answer never reached the page, nor did the server's stopped one (stopped before the job began, or not read).
      const before = last?.role === 'user' && closed && !unseen
      if (before) update({ stoppedBefore: last.id })
      options.onStopped?.({ jobs, stoppedBeforeAnswer: before })
    }
    catch (failure) {
      update({ stopError: failure, unfollowed: closed })
    }
    finally {
      update({ stopping: false })
    }
  }

  return {
    stop,
    reset,
    getSnapshot: () => state,
    subscribe: listener => listeners.add(listener),
    noteChatId(id) {
      if ((id ?? '') === knownId) return
      knownId = id ?? ''
      update({ stoppedBefore: null, stopError: null, unfollowed: false })
    },
    connect() {
      disposed = false
      return () => {
        disposed = true
        for (const end of [...waits]) end()
        options.fetch?.dispose()
      }
    },
  }
}
