/** What the AI SDK's client makes of our UI chunks, for tests comparing messages built from them. */
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage } from 'ai'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import { formatChunk, UI_MESSAGE_STREAM_DONE, UI_MESSAGE_STREAM_HEADERS } from '../../server/lib/ai-sdk/ui-chunks'

/**
 * The message the SDK builds from our chunks (its transport validates each one); with `message`,
 * that message continued by them (a response that goes on an earlier one, as `useChat` does).
 */
export async function sdkMessage(chunks: UiChunk[], message?: UIMessage): Promise<UIMessage> {
  const body = chunks.map(formatChunk).join('') + UI_MESSAGE_STREAM_DONE
  const transport = new DefaultChatTransport<UIMessage>({
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream', ...UI_MESSAGE_STREAM_HEADERS } }),
  })
  const stream = await transport.reconnectToStream({ chatId: 'chat' })
  let last: UIMessage | undefined
  for await (const next of readUIMessageStream<UIMessage>({ stream: stream!, ...(message ? { message } : {}) })) last = next
  // Only what a part says: the SDK leaves `undefined` keys behind on updated parts.
  return JSON.parse(JSON.stringify(last!))
}
