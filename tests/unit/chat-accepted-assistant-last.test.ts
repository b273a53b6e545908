/**
 * A chat request accepted before POST /api/jobs refused one whose last message is the assistant's
 * (chat-job-input.ts, 2026-12-04) still has its job. The rule is for new requests; before, two
 * paths applied it to requests already taken: the retry with the same Idempotency-Key (a response
 * a deploy cut off; api.md: the same job on retry) got the new 400 instead of the job, and a
 * takeover after its owner died ended the job `invalid-request` (stored-request.ts). Both now read
 * such a request as it was accepted; a new one is still the 400, and a body of system messages
 * only, which no version took, still is with a key that has a job.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatJobBodySchema } from '../../server/lib/http/schemas'
import { requestFingerprint } from '../../server/lib/idempotency'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { recordingLogger } from '../support/recording-logger'
import { useServedRoutes } from '../support/route-app'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import { createStepModel, hangingStep, textStep } from '../support/step-model'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** A body the route took until 2026-12-04: the assistant's message last. */
const assistantLast = { messages: [{ role: 'user' as const, content: 'Write a haiku about rain' }, { role: 'assistant' as const, content: 'Soft rain on the roof,' }] }

describe('POST /api/jobs retried with the Idempotency-Key of a job accepted before the rule', () => {
  const app = useServedRoutes()

  /** The job as the route stored it then: the body's request, its fingerprint beside the key. */
  async function acceptedBefore(key: string) {
    const parsed = chatJobBodySchema(app.config).parse(assistantLast)
    const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: parsed.messages, startedBy: 'jobs' }, idempotencyKey: key, requestFingerprint: requestFingerprint(parsed) })
    return job
  }

  async function post(key: string | null, body: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers, body: JSON.stringify(body) })
    return { status: response.status, body: await response.json() as { id?: string, created?: boolean, message?: string } }
  }

  it('gets the job back (200, created: false), not the new 400', async () => {
    const job = await acceptedBefore('before-rule-1')
    expect(await post('before-rule-1', assistantLast)).toEqual({ status: 200, body: expect.objectContaining({ id: job.id, created: false }) })
  })

  it('is still the 400 without a key, with a key that has no job, and for system messages only whatever the key', async () => {
    await acceptedBefore('before-rule-2')
    for (const key of [null, 'never-used']) {
      const answer = await post(key, assistantLast)
      expect(answer.status).toBe(400)
      expect(answer.body.message).toMatch(/^messages\.1\.role: the last message must be the user's, not the assistant's/)
    }
    const systemOnly = await post('before-rule-2', { messages: [{ role: 'system', content: 'Be brief' }] })
    expect(systemOnly.status).toBe(400)
    expect(systemOnly.body.message).toMatch(/^messages: holds no user message/)
  })

  it('is still the 422 of a reused key for another body', async () => {
    const job = await acceptedBefore('before-rule-3')
    const other = { messages: [...assistantLast.messages, { role: 'assistant', content: 'Grey clouds hum softly' }] }
    const answer = await post('before-rule-3', other)
    expect(answer.status).toBe(422)
    expect(answer.body.message).toContain(`job ${job.id}`)
  })
})

describe('a job accepted before the rule, taken over after its owner died', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs on (recovery.chat: continue) instead of ending invalid-request', async () => {
    const config = resolveConfig({ upstream: { apiKey: 'sk-test-0123456789abcdef' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { jobTimeoutMs: 3_600_000 } })
    const store = createMemoryProvider()
    const { logger, lines } = recordingLogger()
    const model = createStepModel([textStep(' it hums the grey roof')])
    const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config, chat: runChatJob, model, logger })
    await vi.advanceTimersByTimeAsync(1)
    const died = { at: null as number | null }
    const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config, chat: runChatJob, model: createStepModel([hangingStep()]) })
    // Stored as the route stored it then (engine.createJob applies no route rule).
    const { job } = await a.createJob('u1', { request: { type: 'chat', messages: assistantLast.messages, startedBy: 'jobs' } })
    for (let step = 0; step < 1_000 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
    expect(died.at).not.toBeNull()
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, status: 'completed' })
    expect(lines.some(line => line.message.startsWith('a recovered job\'s stored request is invalid'))).toBe(false)
    // Taken over with its messages as they were accepted.
    expect(model.requests.at(-1)?.messages.slice(0, 2)).toEqual(assistantLast.messages)
    expect((await store.get(job.id))?.status).toBe('completed')
    await b.dispose()
  })
})
