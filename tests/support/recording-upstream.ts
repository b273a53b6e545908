/**
 * A chat-completions upstream for the tests of what goes back to the model in the next request
 * (reasoning_details, Gemini's thought signatures): SSE bodies built from deltas, a fetch that
 * answers each request with the next body and keeps what each request sent, and a fake run on the
 * real client. Shared by gemini-thought-signature-echo, reasoning-details-echo,
 * reasoning-details-renamed-call and reasoning-details-server-only.
 */
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { TEST_CLIENT_OPTIONS } from './collect-stream'
import { createFakeRunContext } from './fake-run-context'

/** A whole streamed round: one chunk per delta, then the finish reason, then `[DONE]`. */
export const sse = (deltas: Array<Record<string, unknown>>, finishReason: string) => [
  ...deltas.map(delta => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`),
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: finishReason }] })}\n\n`,
  'data: [DONE]\n\n',
].join('')

/** Answers each request with the next body (then `fallback`); keeps what each request sent. */
export function recordingUpstream(bodies: string[], fallback: string) {
  const sent: Array<Record<string, unknown>> = []
  const fetch: FetchLike = async (_url, init) => {
    sent.push(JSON.parse(String(init?.body)))
    return new Response(bodies[sent.length - 1] ?? fallback, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }
  return { fetch, messagesOf: (index: number) => sent[index]!.messages as Array<Record<string, unknown>> }
}

/** A fake run whose model is the real client on `fetch` (at `baseUrl`), with `tools`. */
export function fakeRunOn(fetch: FetchLike, tools: AnyToolDefinition[], baseUrl = 'https://openrouter.test/api/v1', apiKey = 'sk-test') {
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl, apiKey, fetch })
  return createFakeRunContext({ model, tools })
}
