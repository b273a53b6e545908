/**
 * Whether the chat route answered the /ai-sdk page's newest post (a job took the message): a
 * `TypeError` after that is its answer's stream breaking (the connection dropped, the server
 * restarted), not a message that never reached the server. `postUnsent`: the transport's newest
 * request was the post of a new user message that got no response at all — the page takes that
 * message out of the chat, which may leave an earlier answer last, so "an answer is last" must
 * not read it as sent. `fetch` is the transport's.
 */
import { ref } from 'vue'
import type { Ref } from 'vue'

/** The post's body ends with a user message (a new one, not answered approvals). */
function postsUserMessage(body: BodyInit | null | undefined): boolean {
  try {
    return typeof body === 'string' && (JSON.parse(body) as { messages?: Array<{ role?: string }> }).messages?.at(-1)?.role === 'user'
  }
  catch {
    return false
  }
}

export function answeredPost(): { postAnswered: Ref<boolean>, postUnsent: Ref<boolean>, fetch: typeof fetch } {
  const postAnswered = ref(false)
  const postUnsent = ref(false)
  async function noteAnswer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const post = init?.method === 'POST'
    if (post) postAnswered.value = false
    postUnsent.value = false
    let response: Response
    try {
      response = await fetch(input, init)
    }
    catch (failure) {
      if (post) postUnsent.value = postsUserMessage(init?.body)
      throw failure
    }
    if (post) postAnswered.value = true
    return response
  }
  return { postAnswered, postUnsent, fetch: noteAnswer }
}
