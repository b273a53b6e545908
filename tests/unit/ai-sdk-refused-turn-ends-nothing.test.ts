/**
 * A new turn refused by the creation rate (`limits.createPerMinute`) or for want of a model (a
 * `503`) was refused only when the job was created: after the route had ended the answer the client
 * wrote past (`stop()` then a new message), and — at the per-user concurrency limit that answer
 * filled — after it had ended the answer a `regenerate()` replaces. The user pressing Regenerate or
 * Send while rate-limited lost that answer and got nothing new. Now the new job takes its slot and
 * its rate first (the answers it ends counted as free), and the old ones are ended only once it runs.
 */
import { describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Posts a transport body; resolves with the status and the job of the stream (`start`), or the error's message. */
async function post(body: unknown, base: string) {
  const response = await fetch(`${base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (response.status !== 200) return { status: response.status, message: await response.text() }
  const reader = response.body!.getReader()
  const first = new TextDecoder().decode((await reader.read()).value!)
  await reader.cancel()
  return { status: 200, jobId: JSON.parse(first.split('\n')[0]!.slice('data: '.length)).messageId as string }
}

const text = (id: string, role: 'user' | 'assistant', value: string) => ({ id, role, parts: [{ type: 'text', text: value }] })
const question = text('u-1', 'user', 'First?')

describe('a new turn the server refuses', () => {
  it('at the creation rate, a new message leaves the answer it wrote past running', async () => {
    const app = await serveRoutes({ config: { limits: { createPerMinute: 1 } } })
    try {
      const first = await post({ id: 'chat-rate-new', messages: [question] }, app.base)
      expect(first.status).toBe(200)
      const refused = await post({ id: 'chat-rate-new', messages: [question, text(first.jobId!, 'assistant', 'It'), text('u-2', 'user', 'Second?')] }, app.base)
      expect(refused).toEqual({ status: 429, message: expect.stringContaining('limits.createPerMinute') })
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('running')
    }
    finally {
      await app.close()
    }
  })

  it('at the creation rate and the one-job limit, a regenerate leaves the answer it replaces running', async () => {
    const app = await serveRoutes({ config: { limits: { createPerMinute: 1, maxConcurrentJobsPerUser: 1 } } })
    try {
      const first = await post({ id: 'chat-rate-regen', messages: [question] }, app.base)
      expect(first.status).toBe(200)
      const refused = await post({ id: 'chat-rate-regen', messages: [question], trigger: 'regenerate-message' }, app.base)
      expect(refused).toEqual({ status: 429, message: expect.stringContaining('limits.createPerMinute') })
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('running')
    }
    finally {
      await app.close()
    }
  })

  it('with no model configured any more, a new message leaves the answer it wrote past running', async () => {
    const app = await serveRoutes()
    try {
      const first = await post({ id: 'chat-no-model', messages: [question] }, app.base)
      expect(first.status).toBe(200)
      app.config.scripted.enabled = false
      const refused = await post({ id: 'chat-no-model', messages: [question, text(first.jobId!, 'assistant', 'It'), text('u-2', 'user', 'Second?')] }, app.base)
      expect(refused.status).toBe(503)
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('running')
    }
    finally {
      await app.close()
    }
  })

  it('at a concurrency limit that ending its answers frees nothing, ends nothing', async () => {
    // Two answers under a per-user limit lowered to 1 since: ending one brings it to 1, still full.
    const app = await serveRoutes({ config: { limits: { maxConcurrentJobsPerUser: 2 } } })
    try {
      const other = await post({ id: 'chat-other', messages: [question] }, app.base)
      const first = await post({ id: 'chat-full', messages: [question] }, app.base)
      app.config.limits.maxConcurrentJobsPerUser = 1
      const refused = await post({ id: 'chat-full', messages: [question, text(first.jobId!, 'assistant', 'It'), text('u-2', 'user', 'Second?')] }, app.base)
      // The limit as configured, not as raised by the answer the turn would have ended.
      expect(refused).toEqual({ status: 429, message: expect.stringContaining('You already have 1 job running or waiting for an answer (limits.maxConcurrentJobsPerUser)') })
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('running')
      expect((await app.engine.getJob('user-1', other.jobId!)).state.status).toBe('running')
    }
    finally {
      await app.close()
    }
  })
})

describe('a new turn at a concurrency limit its ended answers free', () => {
  it('ends the answer it wrote past and starts', async () => {
    const app = await serveRoutes({ config: { limits: { maxConcurrentJobsPerUser: 1 } } })
    try {
      const first = await post({ id: 'chat-frees', messages: [question] }, app.base)
      const next = await post({ id: 'chat-frees', messages: [question, text(first.jobId!, 'assistant', 'It'), text('u-2', 'user', 'Second?')] }, app.base)
      expect(next.status).toBe(200)
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('aborted')
      expect((await app.engine.getJob('user-1', next.jobId!)).state.status).not.toBe('aborted')
    }
    finally {
      await app.close()
    }
  })

  it('ends the answer a regenerate replaces and starts', async () => {
    const app = await serveRoutes({ config: { limits: { maxConcurrentJobs: 1 } } })
    try {
      const first = await post({ id: 'chat-regen-frees', messages: [question] }, app.base)
      const next = await post({ id: 'chat-regen-frees', messages: [question], trigger: 'regenerate-message' }, app.base)
      expect(next.status).toBe(200)
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('aborted')
    }
    finally {
      await app.close()
    }
  })
})
