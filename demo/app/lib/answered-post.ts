/**
 * Whether the chat route answered the /ai-sdk page's newest post (a job took the message): a
 * `TypeError` after that is its answer's stream breaking (the connection dropped, the server
 * restarted), not a message that never reached the server. `fetch` is the transport's.
 */
import { ref } from 'vue'
import type { Ref } from 'vue'

export function answeredPost(): { postAnswered: Ref<boolean>, fetch: typeof fetch } {
  const postAnswered = ref(false)
  async function noteAnswer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const post = init?.method === 'POST'
    if (post) postAnswered.value = false
    const response = await fetch(input, init)
    if (post) postAnswered.value = true
    return response
  }
  return { postAnswered, fetch: noteAnswer }
}
