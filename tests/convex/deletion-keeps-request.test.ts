/**
 * A job with more rows than one transaction may delete goes over several calls (retention's chain,
 * or `deletion:deleteJob` called again on `more`), the job document last so that it still matches.
 * Between two calls the job is still listed: its request must still be there with it. A record
 * whose request was gone came back with `request: null`, and every reader that looks at the
 * request (the routes' summaries of a user's jobs) threw on it.
 */
import { describe, expect, it } from 'vitest'
import { api, internal } from '../../convex/_generated/api'
import { summarize } from '../../server/lib/job-summary'
import { createBackend, createInstance, endEvent, newJob, TEST_SECRET, textDeltas } from './backend'

async function endedJobWithLargeRequest(provider: ReturnType<typeof createInstance>['provider']) {
  // A long chat: a request of 900 KB, and 5.7 MB of events (six batches of 880 KB, one of 400 KB).
  const job = newJob({ request: { type: 'chat', messages: [{ role: 'user', content: 'h'.repeat(900_000) }] } })
  await provider.create(job)
  let offset = 0
  const texts = [...Array.from({ length: 6 }, () => 'x'.repeat(880_000)), 'y'.repeat(400_000)]
  for (const [index, text] of texts.entries()) {
    const appended = await provider.appendEvents(job.id, textDeltas(index + 1, [text], offset), { epoch: 1 })
    if (!appended.ok) throw new Error(`append refused: ${appended.reason}`)
    offset += text.length
  }
  await provider.appendEvents(job.id, [endEvent(texts.length + 1, 'completed', 1_000)], { epoch: 1 })
  return job
}

describe('deleting a job over several transactions', () => {
  it('deletion:deleteJob never leaves the job listed without its request', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = await endedJobWithLargeRequest(provider)
    const first = await backend.mutation(api.deletion.deleteJob, { jobId: job.id, secret: TEST_SECRET })
    const [listed] = await provider.list({ userId: job.userId })
    if (first === 'more') {
      expect(listed?.request).not.toBeNull()
      expect(() => summarize(listed!)).not.toThrow()
    }
    else expect(listed).toBeUndefined()
    expect(await provider.deleteJob(job.id)).toBe(first === 'more' ? 'deleted' : 'not-found')
  })

  it('nor does retention', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = await endedJobWithLargeRequest(provider)
    const deleted = await backend.mutation(internal.cleanup.deleteExpired, { endedBefore: 2_000 })
    const [listed] = await provider.list({ userId: job.userId })
    if (deleted === 0) {
      expect(listed?.request).not.toBeNull()
      expect(() => summarize(listed!)).not.toThrow()
    }
    else expect(listed).toBeUndefined()
  })
})
