/**
 * Whether the chat route answered the /ai-sdk page's newest post (a job took the message): a
 * `TypeError` after that is its answer's stream breaking (the connection dropped, the server
 * restarted), not a message that never reached the server. `postUnsent`: the transport's newest
 * request was a post that got no response at all — of a new user message (the page takes that
 * message out of the chat, which may leave an earlier answer last, so "an answer is last" must not
 * read it as sent) or of approval answers (the answer asking is last, and nothing was sent).
 * `postedAnswers`: the newest request posted approval answers (the body ends with the assistant's
 * message), whose refusal the page words as the main chat's approval prompt does ("your answer
 * wasn’t sent"). `fetch` is the transport's.
 *
 * A post of a message (a new one, a Retry's) the SDK aborts (its `stop()`) before the response came is not cut off: it may be on its
 * way to the server, whose job the chat's abort route, reached first, could not find. The SDK gets
 * its abort at once, as before; the request goes on until the server answers it (then its response
 * is closed), for at most `CUT_SHORT_POST_WAIT_MS`. `takeCutShortPost()` gives how it ended, for a
 * Stop to abort again once the job is there (ai-sdk-stop.ts, docs/decisions/047).
 */
import { ref } from 'vue'
import type { Ref } from 'vue'

/** How long a post a Stop cut short may take to be answered before the page stops waiting for it. */
export const CUT_SHORT_POST_WAIT_MS = 10_000

/**
 * How a post cut short ended: `answered` (the server took it: its job exists), `unsent` (refused, or
 * it reached no server: no job), `unknown` (no response in time: a job may still come).
 */
export type CutShortPost = 'answered' | 'unsent' | 'unknown'

/** The post's body ends with the assistant's message: approval answers (not a new user message, nor a Retry's). */
function postsAnswers(body: BodyInit | null | undefined): boolean {
  try {
    return typeof body === 'string' && (JSON.parse(body) as { messages?: Array<{ role?: string }> }).messages?.at(-1)?.role === 'assistant'
  }
  catch {
    return false
  }
}

export function answeredPost(): { postAnswered: Ref<boolean>, postUnsent: Ref<boolean>, postedAnswers: Ref<boolean>, fetch: typeof fetch, takeCutShortPost: () => Promise<CutShortPost> | null } {
  const postAnswered = ref(false)
  const postUnsent = ref(false)
  const postedAnswers = ref(false)
  /** The newest post, when the SDK aborted it before its response came: how it ended. */
  let cutShort: Promise<CutShortPost> | null = null

  /**
   * Sends a post with its own signal: the SDK's abort after the response came closes it (as the
   * SDK's own signal would); before, the SDK's promise rejects at once and the request waits for
   * its response (closed as it comes), or for the bound.
   */
  function sendPost(input: RequestInfo | URL, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
    const stopped = init.signal
    // Aborted before it went out: it never will.
    if (stopped.aborted) return Promise.reject(stopped.reason)
    const own = new AbortController()
    const sent = fetch(input, { ...init, signal: own.signal })
    return new Promise<Response>((resolve, reject) => {
      let response: 'waiting' | 'answered' | 'failed' = 'waiting'
      stopped.addEventListener('abort', () => {
        if (response === 'answered') return own.abort(stopped.reason)
        if (response === 'failed') return
        reject(stopped.reason)
        let timer: ReturnType<typeof setTimeout> | undefined
        const late = new Promise<CutShortPost>((settle) => {
          timer = setTimeout(() => settle('unknown'), CUT_SHORT_POST_WAIT_MS)
        })
        const ended = sent.then(response => (response.ok ? 'answered' as const : 'unsent' as const), () => 'unsent' as const)
        cutShort = Promise.race([ended, late]).finally(() => {
          clearTimeout(timer)
          // Its answer is not read (the SDK stopped): the response closes, as the SDK's abort would.
          own.abort(stopped.reason)
        })
      }, { once: true })
      sent.then((answer) => {
        response = 'answered'
        resolve(answer)
      }, (failure: unknown) => {
        response = 'failed'
        reject(failure)
      })
    })
  }

  async function noteAnswer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const post = init?.method === 'POST'
    if (post) {
      postAnswered.value = false
      cutShort = null
    }
    postUnsent.value = false
    postedAnswers.value = post && postsAnswers(init?.body)
    let response: Response
    try {
      // Only a post that makes a job can race the Stop's abort: approval answers go to a job that
      // is there already (stopped by that abort; the answers then start nothing: stopped-approvals.ts).
      response = post && init?.signal && !postedAnswers.value ? await sendPost(input, { ...init, signal: init.signal }) : await fetch(input, init)
    }
    catch (failure) {
      if (post) postUnsent.value = true
      throw failure
    }
    if (post) postAnswered.value = true
    return response
  }
  /** The newest post cut short by a Stop, once (null: none, or its response had come). */
  function takeCutShortPost(): Promise<CutShortPost> | null {
    const taken = cutShort
    cutShort = null
    return taken
  }
  return { postAnswered, postUnsent, postedAnswers, fetch: noteAnswer, takeCutShortPost }
}
