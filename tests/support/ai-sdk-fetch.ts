/**
 * What the AI SDK e2e tests give the SDK's transport: fresh chat ids, and a `fetch` whose POST
 * responses break mid-stream as a browser reports a lost connection.
 */

/** A fresh chat id (the AI SDK's own ids look alike). */
export const chatId = () => `chat-${Math.random().toString(36).slice(2)}`

/** A fetch that drops the connection (as a browser reports it: a TypeError) after `chunks` reads of a POST's body. */
export function droppingFetch(chunks: number): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    if (!response.body || init?.method !== 'POST') return response
    const reader = response.body.getReader()
    let reads = 0
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (reads++ >= chunks) {
          await reader.cancel()
          controller.error(new TypeError('fetch failed: network connection lost'))
          return
        }
        const next = await reader.read()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      },
    })
    return new Response(body, { status: response.status, headers: response.headers })
  }
}
