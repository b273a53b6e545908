/**
 * A chat job started by `POST /api/jobs` with an `Idempotency-Key`, whose response a deploy cut
 * off, is retried with the same body against the next version of the app, whose config refuses
 * that body as a new creation: a lower `limits.maxMessages`, `maxMessageChars` or
 * `maxToolsPerRequest`, or the model no longer in `upstream.allowedModels`. api.md promises the
 * same job on retry; before, the route checked the body against its config before the key was
 * looked up and answered the retry with its 400, so the client was told nothing started while its
 * job ran (workflows had been fixed for this: idempotent-retry-after-deploy.test.ts). The 400
 * still stands for a key with no job, and a key used for another request is still a 422.
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

async function post(base: string, key: string | null, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }
  const response = await fetch(`${base}/api/jobs`, { method: 'POST', headers, body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() as { id?: string, created?: boolean, message?: string } }
}

/** Posts `body` to one version, then the same body (or `retried`) to the next one; resolves with both answers. */
async function acrossDeploy(before: BackgroundJobsConfigInput, after: BackgroundJobsConfigInput, body: unknown, options: { firstKey?: string, retryKey?: string, retried?: unknown } = {}) {
  const store = sharedStore()
  const v1 = await serveRoutes({ config: before, wrap: () => store, tools: tools() })
  const first = await post(v1.base, options.firstKey ?? 'key-1', body).finally(() => v1.close())
  const v2 = await serveRoutes({ config: after, wrap: () => store, tools: tools() })
  try {
    const retry = await post(v2.base, options.retryKey ?? 'key-1', options.retried ?? body)
    const listed = (await (await fetch(`${v2.base}/api/jobs?limit=200`)).json() as { jobs: unknown[] }).jobs.length
    return { first, retry, listed }
  }
  finally {
    await v2.close()
  }
}

const chat = {
  messages: [{ role: 'user', content: 'What time is it?' }, { role: 'assistant', content: 'Noon.' }, { role: 'user', content: 'And the date?' }],
  model: 'fast-model',
  tools: ['a', 'b'],
  threadId: 't-1',
}
const wide: BackgroundJobsConfigInput = { upstream: { allowedModels: 'fast-model' } }

describe('a chat create retried with its Idempotency-Key after a config change', () => {
  const changes: Array<[string, BackgroundJobsConfigInput]> = [
    ['a lower limits.maxMessages', { ...wide, limits: { maxMessages: 2 } }],
    ['a lower limits.maxMessageChars', { ...wide, limits: { maxMessageChars: 10 } }],
    ['a lower limits.maxToolsPerRequest', { ...wide, limits: { maxToolsPerRequest: 1 } }],
    ['the model no longer in upstream.allowedModels', { upstream: { allowedModels: 'other-model' } }],
  ]

  it.each(changes)('gets its job back with %s', async (_case, after) => {
    const { first, retry, listed } = await acrossDeploy(wide, after, chat)
    expect(first).toMatchObject({ status: 202, body: { created: true } })
    expect(retry).toEqual({ status: 200, body: expect.objectContaining({ id: first.body.id, created: false }) })
    expect(listed).toBe(1)
  })

  it.each(changes)('is still the 400 with %s when the key has no job', async (_case, after) => {
    const { retry, listed } = await acrossDeploy(wide, after, chat, { retryKey: 'key-2' })
    expect(retry.status).toBe(400)
    expect(listed).toBe(1)
  })

  it('is still the 422 of a reused key when the body differs', async () => {
    const other = { ...chat, messages: [...chat.messages, { role: 'user', content: 'Delete my files' }] }
    const { first, retry, listed } = await acrossDeploy(wide, { ...wide, limits: { maxMessages: 2 } }, chat, { retried: other })
    expect(retry.status).toBe(422)
    expect(retry.body.message).toContain(`job ${first.body.id}`)
    expect(listed).toBe(1)
  })
})
