/**
 * Whether the chat route answered the /ai-sdk page's newest post (a job took the message): a
 * `TypeError` after that is its answer's stream breaking (the connection dropped, the server
 * restarted), not a message that never reached the server. `postUnsent`: the transport's newest
 * request was a post that got no response at all — of a new user message (the page takes that
 * message out of the chat, which may leave an earlier answer last, so "an answer is last" must not
 * read it as sent) or of approval answers (the answer asking is last, and nothing was sent).
 * `postedAnswers`: the newest request posted approval answers (the body ends with the assistant's
 * message), whose refusal the page words as the main chat's approval prompt does ("your answer
 * wasn’t sent"). `fetch` is the transport's, over the layer's `createChatStopFetch()` (`stopFetch`,
 * for the Stop: the post a Stop cut short goes on until the server answers it — docs/decisions/047).
 */
import { ref } from 'vue'
import type { Ref } from 'vue'
import type { ChatStopFetch } from '../../../app/lib/chat-stop-fetch'
import { createChatStopFetch, postsApprovalAnswers } from '../../../app/lib/chat-stop-fetch'

export function answeredPost(): { postAnswered: Ref<boolean>, postUnsent: Ref<boolean>, postedAnswers: Ref<boolean>, fetch: typeof fetch, stopFetch: ChatStopFetch } {
  const postAnswered = ref(false)
  const postUnsent = ref(false)
  const postedAnswers = ref(false)
  const stopFetch = createChatStopFetch()

  async function noteAnswer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const post = init?.method === 'POST'
    if (post) postAnswered.value = false
    postUnsent.value = false
    postedAnswers.value = post && postsApprovalAnswers(init?.body)
    let response: Response
    try {
      response = await stopFetch.fetch(input, init)
    }
    catch (failure) {
      if (post) postUnsent.value = true
      throw failure
    }
    if (post) postAnswered.value = true
    return response
  }
  return { postAnswered, postUnsent, postedAnswers, fetch: noteAnswer, stopFetch }
}
