/**
 * A new turn of the AI SDK route posted again with its `Idempotency-Key` (its response was lost: a
 * dropped connection, a deploy) gets the key's job, its stream from the start, and ends nothing.
 * Before, the route checked the body against the current settings and ended the chat's superseded
 * and replaced answers before the key was looked up: after a deploy that took the model out of
 * `upstream.allowedModels` (or lowered `limits.maxMessageChars` or `maxToolsPerRequest`) the retry
 * got the new version's 400 while its job ran, and a late retry of a post whose answer the user had
 * since regenerated aborted that newer answer. The 400 still stands for a key with no job.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { serveRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const tools = () => createToolRegistry(['a', 'b'].map(name => defineTool({ name, description: name, parameters: z.object({}), execute: () => name })))

/** The shared store of both versions; an instance stopping does not close it. */
function sharedStore(): JobProvider {
  const provider = createMemoryProvider()
  return { ...provider, dispose: async () => {} }
}

/** Posts a transport body; resolves with the status and the job the stream is of (its `start`), or the error's message. */
async function post(base: string, key: string | null, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }
  const response = await fetch(`${base}/api/jobs/chat`, { method: 'POST', headers, body: JSON.stringify(body) })
  if (response.status !== 200) return { status: response.status, message: await response.text() }
  const reader = response.body!.getReader()
  const first = new TextDecoder().decode((await reader.read()).value!)
  await reader.cancel()
  return { status: 200, jobId: JSON.parse(first.split('\n')[0]!.slice('data: '.length)).messageId as string }
}

const text = (id: string, role: 'user' | 'assistant', value: string) => ({ id, role, parts: [{ type: 'text', text: value }] })
const turn = { id: 'chat-1', messages: [text('u-1', 'user', 'What time is it?'), text('a-1', 'assistant', 'Noon.'), text('u-2', 'user', 'And the date?')], trigger: 'submit-message', model: 'fast-model', tools: ['a', 'b'] }
const wide: BackgroundJobsConfigInput = { upstream: { allowedModels: 'fast-model' } }

/** Posts `body` to one version, then again with `retryKey` to the next one on the same store. */
async function acrossDeploy(after: BackgroundJobsConfigInput, retryKey: string, body: unknown = turn) {
  const store = sharedStore()
  const v1 = await serveRoutes({ config: wide, wrap: () => store, tools: tools() })
  const first = await post(v1.base, 'key-1', body).finally(() => v1.close())
  const v2 = await serveRoutes({ config: after, wrap: () => store, tools: tools() })
  try {
    const retry = await post(v2.base, retryKey, body)
    const jobs = await v2.engine.listJobs('user-1', { threadId: 'chat-1' })
    return { first, retry, jobs }
  }
  finally {
    await v2.close()
  }
}

describe('an AI SDK turn retried with its Idempotency-Key', () => {
  const changes: Array<[string, BackgroundJobsConfigInput]> = [
    ['the model no longer in upstream.allowedModels', { upstream: { allowedModels: 'other-model' } }],
    ['a lower limits.maxMessageChars', { ...wide, limits: { maxMessageChars: 10 } }],
    ['a lower limits.maxToolsPerRequest', { ...wide, limits: { maxToolsPerRequest: 1 } }],
  ]

  it.each(changes)('gets its job\'s stream after a deploy with %s', async (_case, after) => {
    const { first, retry, jobs } = await acrossDeploy(after, 'key-1')
    expect(first).toMatchObject({ status: 200 })
    expect(retry).toEqual({ status: 200, jobId: first.jobId })
    expect(jobs.map(job => job.id)).toEqual([first.jobId])
  })

  it('gets its job\'s stream when the client sends its newest message only', async () => {
    const newest = { id: 'chat-1', message: turn.messages[2], model: 'fast-model' }
    const { first, retry, jobs } = await acrossDeploy(changes[0]![1], 'key-1', newest)
    expect(retry).toEqual({ status: 200, jobId: first.jobId })
    expect(jobs).toHaveLength(1)
  })

  it.each(changes)('is still the 400 with %s when the key has no job', async (_case, after) => {
    const { retry, jobs } = await acrossDeploy(after, 'key-2')
    expect(retry.status).toBe(400)
    expect(jobs).toHaveLength(1)
  })

  it('ends nothing: a late retry of a post whose answer was regenerated since leaves the new answer running', async () => {
    const app = await serveRoutes({ config: wide, tools: tools() })
    try {
      const first = await post(app.base, 'key-1', turn)
      const regenerated = await post(app.base, 'key-2', { ...turn, trigger: 'regenerate-message' })
      expect(regenerated.jobId).not.toBe(first.jobId)
      expect((await app.engine.getJob('user-1', first.jobId!)).state.status).toBe('aborted')

      const retry = await post(app.base, 'key-1', turn)

      expect(retry).toEqual({ status: 200, jobId: first.jobId })
      expect((await app.engine.getJob('user-1', regenerated.jobId!)).state.status).toBe('running')
    }
    finally {
      await app.close()
    }
  })
})
