/**
 * A new message, a `regenerate()` or an edit while the chat's answer waits for a tool approval ends
 * that answer: its approval is answered "not approved" with the reason, and the job is aborted. The
 * route answered the approval first, then aborted: the answer woke the job, which started its next
 * model round (a request sent, and billed) before the abort landed — with an upstream as quick as
 * the scripted model, the old answer even ended `completed` instead of aborted. Now the answer and
 * the stop are one engine step: the answer is in the log, the job ends aborted, and no model round
 * starts after it. The real executor and model client, on an upstream that counts its requests.
 */
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { REPLACED_REASON } from '../../server/lib/ai-sdk/replaced-answers'
import { SUPERSEDED_REASON } from '../../server/lib/ai-sdk/superseded-jobs'
import { serveRoutes } from '../support/route-app'
import { countingUpstream, deleteTool, postTurn, textMessage } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const ask = textMessage('u-1', 'user', 'Please delete a.txt')

/** A served chat route on the memory provider with the real executor, the counting upstream and the tool. */
async function servedChat() {
  const upstream = countingUpstream()
  const tool = deleteTool()
  const app = await serveRoutes({ runners: { chat: runChatJob }, model: upstream.model, tools: tool.tools })
  return { app, upstream, tool }
}

/** The answer that waits for its approval: its job id. */
async function waitingAnswer(base: string, chatId: string): Promise<string> {
  const first = await postTurn(base, { id: chatId, messages: [ask], trigger: 'submit-message' })
  expect(first.body).toContain('"type":"tool-approval-request"')
  return first.jobId!
}

describe('an answer waiting for a tool approval, ended by the next turn', () => {
  const cases: Array<[string, (jobId: string) => unknown, string]> = [
    ['a new message', jobId => ({ messages: [ask, textMessage(jobId, 'assistant', 'Deleting it. '), textMessage('u-2', 'user', 'Never mind, say hello')], trigger: 'submit-message' }), SUPERSEDED_REASON],
    ['regenerate()', () => ({ messages: [ask], trigger: 'regenerate-message' }), REPLACED_REASON],
    ['an edit of the message it answers', () => ({ messages: [textMessage('u-1', 'user', 'Say hello instead')], trigger: 'submit-message', messageId: 'u-1' }), REPLACED_REASON],
  ]

  it.each(cases)('%s: the approval is answered "not approved", the job ends aborted, and no model round starts after the answer', async (_case, next, reason) => {
    const { app, upstream, tool } = await servedChat()
    try {
      const chatId = `chat-${Math.random().toString(36).slice(2)}`
      const old = await waitingAnswer(app.base, chatId)
      expect(upstream.sent).toHaveLength(1)
      const turn = await postTurn(app.base, { id: chatId, ...next(old) as object })
      expect(turn.status).toBe(200)
      await app.engine.whenSettled(old)
      const { state } = await app.engine.getJob('user-1', old)
      // Before: 'completed' — the answer woke the job, which ran its next round before the abort.
      expect(state.status).toBe('aborted')
      expect(state.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-approval', answer: { approved: false, reason }, answeredBy: 'user-1' })])
      expect(state.content).toBe('Deleting it. ')
      // Before: 1 — the old job's round after its denial, sent to the upstream (and billed).
      expect(upstream.afterToolResults()).toBe(0)
      expect(upstream.sent).toHaveLength(2)
      expect(tool.deleted).toEqual([])
      // One answer goes on in the thread: the new one (a regenerate asks again, and waits).
      const jobs = await app.engine.listJobs('user-1', { threadId: chatId })
      expect(jobs.filter(job => job.id !== old).map(job => job.id)).toEqual([turn.jobId])
      expect(['completed', 'waiting']).toContain(jobs.find(job => job.id === turn.jobId)!.status)
      // The old answer as the messages route (a reload) shows it: the call denied, with the reason.
      const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: Array<{ id: string, parts: Array<{ type: string, state?: string, approval?: { reason?: string } }> }> }
      const shown = messages.find(message => message.id === old)
      // A regenerate or an edit replaces the old answer: the route shows only the newest one.
      if (reason === SUPERSEDED_REASON) expect(shown?.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'output-denied', approval: { approved: false, reason } })
      else expect(shown).toBeUndefined()
    }
    finally {
      await app.close()
    }
  })
})

