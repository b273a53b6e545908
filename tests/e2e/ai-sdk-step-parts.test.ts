/**
 * The text and reasoning parts of a later step hold what the model streamed in that step, as
 * `streamText` would send them: the paragraph break the job's own text puts between two rounds is
 * not the start of a part (a UI that keeps white space would show blank lines).
 */
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import type { UIMessage } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { lastTurnOf, startMockUpstream } from '../support/mock-upstream'

function upstreamTurn(request: RecordedRequest) {
  const { toolResults } = lastTurnOf(request)
  return toolResults === 0
    ? { reasoning: ['Need the time.'], chunks: ['Let me check.'], toolCalls: [{ id: 'call_time', name: 'get_current_time', arguments: '{}' }] }
    : { reasoning: ['Got it.'], chunks: ['It is ', 'noon.'] }
}

let upstream: MockUpstream
let app: AppServer
beforeAll(async () => {
  upstream = await startMockUpstream(request => upstreamTurn(request))
  app = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key' })
})
afterAll(async () => {
  await app?.stop()
  await upstream?.close()
})

describe('a later step\'s parts', () => {
  it('step 2\'s reasoning and text parts hold what the model streamed in step 2 (as streamText would send them)', async () => {
    const client = await createClient(app.url).init()
    const transport = new DefaultChatTransport<UIMessage>({ api: `${app.url}/api/jobs/chat`, headers: { cookie: client.cookie() } })
    const stream = await transport.sendMessages({ chatId: `chat-${Date.now()}`, messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'time?' }] }], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    let message: UIMessage | undefined
    for await (const snapshot of readUIMessageStream<UIMessage>({ stream })) message = snapshot
    const parts = message!.parts.filter(p => p.type === 'text' || p.type === 'reasoning').map(p => [p.type, (p as { text: string }).text])
    expect(parts).toEqual([
      ['reasoning', 'Need the time.'], ['text', 'Let me check.'],
      ['reasoning', 'Got it.'], ['text', 'It is noon.'],
    ])
  })
})
