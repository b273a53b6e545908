/**
 * Answer and stop across instances, on one real redis-server: the chat's answer waits for a tool
 * approval on instance A when the user's next message reaches instance B. B's route ends the old
 * answer through the store (a control to A), and A answers the approval "not approved" and aborts
 * in one step. Before, B forwarded the answer, A stored it and woke the job, which sent its next
 * model round to the upstream while B's abort was still on its way (and, the upstream being quick,
 * ended `completed`).
 */
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { SUPERSEDED_REASON } from '../../server/lib/ai-sdk/superseded-jobs'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { serveRoutes } from '../support/route-app'
import { countingUpstream, deleteTool, postTurn, textMessage } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const redis = useRedisServer()
// No recovery scan within the test: the owner stays A. Writes every 10 ms: a quick test.
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 }, persist: { intervalMs: 10 } }

describe('a new message on another instance than the one whose answer waits for approval', () => {
  it('the owner answers the approval "not approved" and aborts in one step: no model round after the answer', async () => {
    const keyPrefix = `superseded-approval-${process.pid}:`
    const upstream = countingUpstream()
    const tool = deleteTool()
    const served = async () => {
      const provider = createRedisProvider({ url: redis.url, keyPrefix, onError: () => {} })
      await provider.ready()
      return await serveRoutes({ runners: { chat: runChatJob }, model: upstream.model, tools: tool.tools, wrap: () => provider, config })
    }
    const a = await served()
    let b: Awaited<ReturnType<typeof served>> | undefined
    try {
      const ask = textMessage('u-1', 'user', 'Please delete a.txt')
      const first = await postTurn(a.base, { id: 'chat-1', messages: [ask], trigger: 'submit-message' })
      expect(first.body).toContain('"type":"tool-approval-request"')
      const old = first.jobId!
      // B sees the question once A has stored it (writes are batched on a shared store).
      await vi.waitFor(async () => expect((await a.engine.provider.getState(old))?.pendingInputs).toHaveLength(1))
      // The routes now answer with B (A's engine runs on, owning the job).
      b = await served()
      const turn = await postTurn(b.base, { id: 'chat-1', messages: [ask, textMessage(old, 'assistant', 'Deleting it. '), textMessage('u-2', 'user', 'Never mind, say hello')], trigger: 'submit-message' })
      expect(turn.status).toBe(200)
      expect(turn.body).toContain('Hello.')
      await a.engine.whenSettled(old)
      const state = await b.engine.provider.getState(old)
      expect(state?.status).toBe('aborted')
      expect(state?.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-approval', answer: { approved: false, reason: SUPERSEDED_REASON }, answeredBy: 'user-1' })])
      expect(state?.content).toBe('Deleting it. ')
      // Before: 1 — A's round after the answer, sent before the abort reached it.
      expect(upstream.afterToolResults()).toBe(0)
      expect(upstream.sent).toHaveLength(2)
      expect(tool.deleted).toEqual([])
    }
    finally {
      await b?.close()
      setBackgroundJobsEngine(null)
      await a.close()
    }
  })
})
