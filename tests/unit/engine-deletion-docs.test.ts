/**
 * docs/hooks.md lists what `useBackgroundJobsEngine()` gives an app's own routes. It left out
 * `deleteJob` and `deleteThread`, so an app that deletes a user's conversations server-side (an
 * account deletion) did not know the engine does it, nor that a job still going is refused. The page
 * now names both, with what they answer; this checks that answer.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JobActiveError } from '../../server/lib/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'

describe('the engine\'s deleteJob and deleteThread, as hooks.md gives them', () => {
  it('delete ended jobs, refuse one still going with JobActiveError (409), and are named in hooks.md', async () => {
    let release = () => {}
    let runs = 0
    // The first job ends at once; the second holds until released.
    const { engine } = createTestEngine({
      runners: { chat: () => ++runs === 1 ? Promise.resolve() : new Promise<void>((resolve) => { release = resolve }) },
    })
    const ended = (await engine.createJob('u1', { request: chatRequest, threadId: 't1' })).job
    await engine.whenSettled(ended.id)
    const going = (await engine.createJob('u1', { request: chatRequest, threadId: 't1' })).job
    const refusal = await engine.deleteJob('u1', going.id).then(() => null, (error: unknown) => error)
    expect(refusal).toBeInstanceOf(JobActiveError)
    expect((refusal as JobActiveError).statusCode).toBe(409)
    expect(await engine.deleteThread('u1', 't1')).toEqual({ deleted: [ended.id], active: [going.id], more: false })
    release()
    await engine.whenSettled(going.id)
    await engine.deleteJob('u1', going.id)
    expect(await engine.listJobs('u1', {})).toEqual([])
    await engine.dispose()

    const docs = readFileSync(new URL('../../docs/hooks.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')
    expect(docs).toContain('`deleteJob(userId, id)` deletes a job that has ended')
    expect(docs).toContain('throws a `JobActiveError`, `409`')
    expect(docs).toContain('`deleteThread(userId, threadId)` every ended job of a thread, resolving `{ deleted, active, more }`')
  })
})
