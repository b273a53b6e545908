/**
 * A client tool's call (`runtime: 'client'`) across instances, on one real redis-server: the job
 * waits for the browser's output on instance A (decision 44) when the page reloads against
 * instance B. B's `resumeStream()` brings the call `input-available` again (so `onToolCall` runs
 * after the reload), and the output the SDK posts to B is the answer A's job takes (a control
 * through the store): the model reads it and B's response streams the rest.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { z } from 'zod'
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { useRedisServer } from '../support/redis-server'
import { serveRoutes } from '../support/route-app'
import { postTurn, textMessage } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const redis = useRedisServer()
// No recovery scan within the test: the owner stays A. Writes every 10 ms: a quick test.
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 }, persist: { intervalMs: 10 } }

describe('a client tool\'s call waiting on instance A, answered through instance B (decision 44)', () => {
  it('B\'s resumeStream() brings the call input-available; the output posted to B reaches A\'s job and the model', async () => {
    const keyPrefix = `client-tool-${process.pid}:`
    const model: ModelClient = {
      scripted: false,
      async* stream(request) {
        if (request.messages.at(-1)!.role === 'user') {
          yield { type: 'tool-call', call: { id: 'call_loc', name: 'get_location', arguments: '{}' } }
          yield { type: 'finish', finishReason: 'tool_calls' }
          return
        }
        yield { type: 'text-delta', text: `You are in ${request.messages.at(-1)!.content}` }
        yield { type: 'finish', finishReason: 'stop' }
      },
    }
    const tools = createToolRegistry([defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' })])
    const served = async () => {
      const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
      await provider.ready()
      return await serveRoutes({ runners: { chat: runChatJob }, model, tools, wrap: () => provider, config })
    }
    const a = await served()
    let b: Awaited<ReturnType<typeof served>> | undefined
    try {
      const first = await postTurn(a.base, { id: 'chat-client', messages: [textMessage('u-1', 'user', 'Where am I?')], trigger: 'submit-message', tools: ['get_location'] })
      const jobId = first.jobId!
      await vi.waitFor(async () => expect((await a.engine.provider.getState(jobId))?.pendingInputs).toHaveLength(1))
      // The page reloads against B (A's engine runs on, owning the job) and resumes.
      b = await served()
      const chat = new Chat<UIMessage>({
        id: 'chat-client',
        messages: [textMessage('u-1', 'user', 'Where am I?') as UIMessage],
        transport: new DefaultChatTransport<UIMessage>({ api: `${b.base}/api/jobs/chat`, body: { tools: ['get_location'] } }),
        sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
        onToolCall: ({ toolCall }) => void chat.addToolOutput({ tool: 'get_location', toolCallId: toolCall.toolCallId, output: 'Oslo' } as never),
      })
      // The resumed stream ends with the call waiting; the automatic post (awaited) goes to B, whose answer A takes.
      await chat.resumeStream()
      expect(chat.error?.message).toBeUndefined()
      expect(chat.lastMessage!.id).toBe(jobId)
      expect(chat.lastMessage!.parts.filter(part => part.type === 'text').map(part => part.text).join('')).toBe('You are in "Oslo"')
      await a.engine.whenSettled(jobId)
      expect((await b.engine.provider.getState(jobId))?.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-output', answer: { output: 'Oslo' } })])
    }
    finally {
      await b?.close()
      setBackgroundJobsEngine(null)
      await a.close()
    }
  })
})
