/**
 * Writing a log line never throws, whatever the fields hold: an app hook can throw any value, and
 * the line that reports it is written on the paths that must go on (a created job's answer, a
 * route's error). A BigInt or a getter that throws made the logger throw: a `job-created` hook
 * that threw `{ rowId: 1n }` turned `POST /api/jobs` into an error while the job ran.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger } from '../../server/lib/logger'
import { chatRequest, createTestEngine } from '../support/engine-harness'

afterEach(() => {
  vi.restoreAllMocks()
})

function throwingGetter(): object {
  return Object.defineProperty({ reason: 'conflict' }, 'detail', { enumerable: true, get: () => { throw new Error('not loaded') } })
}

describe('the console logger', () => {
  it('writes a line for fields JSON cannot hold (a BigInt, a getter that throws) instead of throwing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const logger = createConsoleLogger()
    expect(() => logger.error('hook failed', { jobId: 'j1', error: { rowId: 12345678901234567890n } })).not.toThrow()
    expect(() => logger.error('hook failed', { jobId: 'j2', error: throwingGetter() })).not.toThrow()
    expect(error).toHaveBeenCalledTimes(2)
    const [first, second] = error.mock.calls.map(call => JSON.parse(call[0] as string))
    expect(first).toMatchObject({ level: 'error', message: 'hook failed', jobId: 'j1', error: { rowId: '12345678901234567890' } })
    expect(second).toMatchObject({ level: 'error', message: 'hook failed', jobId: 'j2', error: { reason: 'conflict' } })
  })

  it('a job-created hook that throws such a value still answers with the created job', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'info').mockImplementation(() => {})
    const { engine } = createTestEngine({
      logger: createConsoleLogger(),
      runners: { chat: async () => {} },
      hooks: { jobCreated: () => { throw { rowId: 1n } } },
    })
    const created = await engine.createJob('u1', { request: chatRequest })
    expect(created.created).toBe(true)
    await engine.whenSettled(created.job.id)
    await engine.dispose()
  })
})
