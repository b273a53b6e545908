/**
 * docs/ai-sdk.md: "A new turn's body is checked whole (model, tools, limits.maxMessageChars) before
 * any job is ended, so a 400 leaves a waiting job as it was." The tool names were not: a turn naming
 * a tool the server has not registered (a typo, a tool removed in a deploy) was refused only by the
 * engine's creation check, after the route had ended the answer the client wrote past — the user
 * got the 400 and lost the answer still running (or waiting for approvals) with nothing started.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { serveRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const registered = () => createToolRegistry([defineTool({ name: 'get_time', description: 'time', parameters: z.object({}), execute: () => 'noon' })])

/** Posts a transport body; resolves with the status and the job of the stream (`start`), or the error's message. */
async function post(body: unknown, base: string, key?: string) {
  const response = await fetch(`${base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) })
  if (response.status !== 200) return { status: response.status, message: await response.text() }
  const reader = response.body!.getReader()
  const first = new TextDecoder().decode((await reader.read()).value!)
  await reader.cancel()
  return { status: 200, jobId: JSON.parse(first.split('\n')[0]!.slice('data: '.length)).messageId as string }
}

const text = (id: string, role: 'user' | 'assistant', value: string) => ({ id, role, parts: [{ type: 'text', text: value }] })

describe('a new turn naming a tool the server has not registered', () => {
  it('is a 400 naming it, and the answer the client wrote past runs on', async () => {
    const app = await serveRoutes({ tools: registered() })
    try {
      const question = text('u-1', 'user', 'What time is it?')
      const first = await post({ id: 'chat-unknown-tool', messages: [question], tools: ['get_time'] }, app.base)
      expect(first.status).toBe(200)

      const refused = await post({ id: 'chat-unknown-tool', messages: [question, text(first.jobId!, 'assistant', 'It is'), text('u-2', 'user', 'And the date?')], tools: ['get_tme'] }, app.base)

      expect(refused).toEqual({ status: 400, message: expect.stringContaining('tools: "get_tme" is not a registered tool (did you mean "get_time"?)') })
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('running')
    }
    finally {
      await app.close()
    }
  })

  it('refuses no retry with the Idempotency-Key of a job started before the tool was removed in a deploy', async () => {
    const provider = createMemoryProvider()
    const store = { ...provider, dispose: async () => {} }
    const body = { id: 'chat-tool-removed', messages: [text('u-1', 'user', 'What time is it?')], tools: ['get_time'] }
    const v1 = await serveRoutes({ wrap: () => store, tools: registered() })
    const first = await post(body, v1.base, 'key-1').finally(() => v1.close())
    const v2 = await serveRoutes({ wrap: () => store, tools: createToolRegistry([]) })
    try {
      expect(await post(body, v2.base, 'key-1')).toEqual({ status: 200, jobId: first.jobId })
      expect((await post(body, v2.base, 'key-2')).status).toBe(400)
    }
    finally {
      await v2.close()
    }
  })
})
