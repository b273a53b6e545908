/**
 * The job-created, job-ended and upstream-request hooks get the job; with the memory provider it
 * was the store's own record. A hook that redacted `job.request.messages` in place (before
 * writing them to the app's analytics) redacted the stored job — the chat's history, what
 * `getJobRecord` and the AI SDK messages route read back — and changed the create answer's title,
 * which Redis and Convex (serialized copies) never did. Hooks now get copies.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EngineHooks } from '../../server/lib/engine-types'
import type { JobRecord } from '../../server/lib/providers/types'
import { createTestEngine } from '../support/engine-harness'

type Messages = Array<{ role: string, content: string }>

function redact(job: JobRecord) {
  for (const message of (job.request as { messages: Messages }).messages) message.content = '[redacted]'
  job.title = '[redacted]'
}

async function storedAfter(hooks: EngineHooks) {
  const { engine } = createTestEngine({
    runners: {
      async chat(context) {
        await context.prepareModelRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
        context.text('done')
      },
    },
    hooks,
  })
  const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'my card is 4111' }] } })
  await vi.advanceTimersByTimeAsync(100)
  await engine.whenSettled(job.id)
  const record = await engine.getJobRecord('u1', job.id)
  return { answered: job, record, listed: (await engine.listJobs('u1', {}))[0]! }
}

describe('app hooks get copies of the job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a job-created hook that redacts the job in place leaves the stored job and the answer alone', async () => {
    const { answered, record, listed } = await storedAfter({ jobCreated: redact })
    expect(answered.title).toBe('my card is 4111')
    expect((record.request as { messages: Messages }).messages).toEqual([{ role: 'user', content: 'my card is 4111' }])
    expect(listed.title).toBe('my card is 4111')
  })

  it('so does an upstream-request hook changing its job, or a job-ended hook', async () => {
    const { record } = await storedAfter({ upstreamRequest: ({ job }) => redact(job), jobEnded: job => redact(job) })
    expect((record.request as { messages: Messages }).messages).toEqual([{ role: 'user', content: 'my card is 4111' }])
  })
})
