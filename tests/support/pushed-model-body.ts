/**
 * A model round whose response body the test pushes into, run on either of the client's paths
 * (`pull`: the `stream` iterator; `push`: `consume`), so a fake-timer test can feed chunks at chosen
 * times. Shared by the first-token tests (model-reasoning-details-first-token, model-tool-call-first-token).
 */
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { ModelEvent, ModelRequest } from '../../server/lib/model/types'

const encoder = new TextEncoder()

/** A response body the test writes into; after the client cancelled it, what is pushed goes nowhere. */
function controllableBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let open = true
  const stream = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
    },
    cancel() {
      open = false
    },
  })
  return {
    stream,
    push: (text: string) => open && controller.enqueue(encoder.encode(text)),
    end: () => open && controller.close(),
    /** The body breaks off (a connection reset): the pending read rejects with `error`. */
    fail: (error: Error) => open && controller.error(error),
  }
}

/** Runs one round of `request` on `mode`'s path against a body the test pushes into (10 s first token, 5 s stall, no retries). */
export function runOnPushedBody(mode: 'pull' | 'push', request: ModelRequest) {
  const body = controllableBody()
  const fetch: FetchLike = async () => new Response(body.stream, { status: 200 })
  const client = createModelClient({ baseUrl: 'https://upstream.test/v1', fetch, firstTokenTimeoutMs: 10_000, stallTimeoutMs: 5_000, maxRetries: 0, retryBaseDelayMs: 100 })
  const result = { events: [] as ModelEvent[], error: undefined as unknown }
  const signal = new AbortController().signal
  const finished = (mode === 'push'
    ? client.consume!(request, signal, event => result.events.push(event))
    : (async () => {
        for await (const event of client.stream(request, signal)) result.events.push(event)
      })()
  ).catch((error: unknown) => {
    result.error = error
  })
  return { body, result, finished }
}
