/**
 * docs/api.md said a finished job replays "until `limits.retentionMs` passes; then `404`". Nothing
 * answers 404 at that moment: the job goes at the first cleanup pass after it (every
 * `limits.cleanupIntervalMs`, 60 s by default), and with `convex` the deployment's cron deletes it
 * after its own `BACKGROUND_JOBS_RETENTION_MS` (`limits.retentionMs` does not apply there). A client
 * that treated a 200 past retention as impossible, or an operator who set `limits.retentionMs` for
 * Convex, was misled. The page now says when the 404 comes, as config.md does.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** The "Finished jobs" bullet of api.md's stream section. */
function finishedJobsBullet(): string {
  const docs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  return /^- \*\*Finished jobs\*\*[\s\S]*?(?=\n- \*\*)/m.exec(docs)?.[0] ?? ''
}

describe('a finished job past its retention', () => {
  it('is readable until the next cleanup pass deletes it, and api.md says so', async () => {
    const { engine } = createTestEngine({
      config: { limits: { retentionMs: 60_000, cleanupIntervalMs: 60_000 } },
      runners: { chat: async context => context.text('done') },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    // Past retention (the pass at 60 s found it 60 s old at most): still there.
    await vi.advanceTimersByTimeAsync(90_000)
    expect((await engine.getJob('u1', job.id)).state.status).toBe('completed')
    // The pass at 120 s deletes it.
    await vi.advanceTimersByTimeAsync(31_000)
    await expect(engine.getJob('u1', job.id)).rejects.toBeInstanceOf(JobNotFoundError)
    await engine.dispose()

    const bullet = finishedJobsBullet()
    expect(bullet).toContain('limits.retentionMs')
    expect(bullet).toContain('limits.cleanupIntervalMs')
    expect(bullet).toContain('BACKGROUND_JOBS_RETENTION_MS')
  })
})
