/**
 * The DevTools tab's data, without HTTP: the guard of its dev-only routes, the job list (live
 * numbers of running jobs, then recent finished ones), a job's timeline with each event's size
 * in UTF-8 bytes, its reduced state, and abort acting for the job's owner.
 */
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import { checkDevtoolsRequest } from '../../server/lib/devtools/guard'
import { devtoolsPage } from '../../server/lib/devtools/page'
import { answerDevtoolsCall } from '../../server/lib/devtools/routes'
import type { InspectedJob, JobInspection } from '../../server/lib/inspector'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

describe('DevTools guard', () => {
  const token = 'dev-token-123'
  it.each([
    [{ dev: false, token, header: token, api: true }, 404],
    [{ dev: false, token, header: undefined, api: false }, 404],
    [{ dev: true, token: '', header: '', api: true }, 404],
    [{ dev: true, token, header: undefined, api: true }, 403],
    [{ dev: true, token, header: 'dev-token-12', api: true }, 403],
    [{ dev: true, token, header: `${token}x`, api: true }, 403],
    // As long as the token, other characters: only comparing the bytes refuses it.
    [{ dev: true, token, header: 'dev-token-124', api: true }, 403],
  ])('refuses %j with %i', (request, statusCode) => {
    expect(checkDevtoolsRequest(request)).toMatchObject({ statusCode })
  })

  it('lets the page through in dev, and data requests with the token', () => {
    expect(checkDevtoolsRequest({ dev: true, token, header: undefined, api: false })).toBeNull()
    expect(checkDevtoolsRequest({ dev: true, token, header: token, api: true })).toBeNull()
  })

  it('the page sets job text only as textContent', () => {
    expect(devtoolsPage()).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML|document\.write/)
  })
})

describe('DevTools data', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function streaming(context: RunContext) {
    for (let index = 0; index < 6; index++) {
      await wait(40, context.signal)
      context.text(index === 0 ? 'héllo 👋 ' : `w${index} `)
    }
    await wait(60_000, context.signal)
  }

  it('lists running jobs with status, viewers, text batches and time to first token; then finished ones', async () => {
    const { engine } = createTestEngine({ runners: { chat: streaming } })
    const { job: first } = await engine.createJob('u1', { request: chatRequest })
    const { job: second } = await engine.createJob('u2', { request: chatRequest })
    await engine.attachViewer('u1', first.id, createRecordingSink(), null)
    await engine.attachViewer('u1', first.id, createRecordingSink(), null)
    await vi.advanceTimersByTimeAsync(300)

    const { jobs } = await answerDevtoolsCall(engine, { method: 'GET', path: '/jobs', recentIds: [] }) as { jobs: InspectedJob[] }
    expect(jobs.map(job => job.id).sort()).toEqual([first.id, second.id].sort())
    const listed = jobs.find(job => job.id === first.id)!
    expect(listed).toMatchObject({ status: 'running', running: true, userId: 'u1', viewers: 2, firstTokenMs: 40, rounds: 0, pendingInputs: 0 })
    expect(listed.ageMs).toBe(300)
    // 6 deltas 40 ms apart in 50 ms windows: fewer events than deltas, every character counted.
    expect(listed.batches.count).toBeGreaterThan(1)
    expect(listed.batches.count).toBeLessThan(6)
    expect(listed.batches.maxChars).toBeGreaterThanOrEqual(listed.batches.meanChars)

    await engine.abortJob('u2', second.id)
    await engine.whenSettled(second.id)
    // Ended here: no longer held by the engine, still listed when remembered as recent.
    const withoutRecent = await answerDevtoolsCall(engine, { method: 'GET', path: '/jobs', recentIds: [] }) as { jobs: InspectedJob[] }
    expect(withoutRecent.jobs.map(job => job.id)).toEqual([first.id])
    const withRecent = await answerDevtoolsCall(engine, { method: 'GET', path: '/jobs', recentIds: [second.id, 'gone'] }) as { jobs: InspectedJob[] }
    expect(withRecent.jobs.find(job => job.id === second.id)).toMatchObject({ status: 'aborted', running: false, viewers: 0 })
    expect(withRecent.jobs).toHaveLength(2)
    await engine.dispose()
  })

  it('a job\'s timeline: seq, type, time since creation and UTF-8 size of each event, and its reduced state', async () => {
    const { engine } = createTestEngine({ runners: { chat: streaming } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(300)
    const inspection = await answerDevtoolsCall(engine, { method: 'GET', path: `/jobs/${job.id}`, recentIds: [] }) as JobInspection
    expect(inspection.complete).toBe(true)
    expect(inspection.state.content).toBe('héllo 👋 w1 w2 w3 w4 w5 ')
    expect(inspection.timeline.map(entry => entry.seq)).toEqual(inspection.timeline.map((_, index) => index + 1))
    expect(inspection.timeline[0]).toMatchObject({ type: 'job-status', sinceCreatedMs: 0 })
    const firstText = inspection.timeline.find(entry => entry.type === 'text-delta')!
    // First delta at 40 ms, after a quiet window: committed at the end of its turn (leading edge,
    // decision 011), which fake timers run one millisecond later.
    expect(firstText.sinceCreatedMs).toBe(41)
    for (const entry of inspection.timeline) expect(entry.bytes).toBe(Buffer.byteLength(JSON.stringify(entry.event), 'utf8'))
    // é and 👋 take more bytes than string length.
    expect(firstText.bytes).toBeGreaterThan(JSON.stringify(firstText.event).length)
    await engine.dispose()
  })

  it('abort acts for the job\'s owner; unknown jobs and routes are refused', async () => {
    const { engine } = createTestEngine({ runners: { chat: streaming } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    const aborted = await answerDevtoolsCall(engine, { method: 'POST', path: `/jobs/${job.id}/abort`, recentIds: [] }) as { job: { status: string } }
    expect(aborted.job.status).toBe('aborted')
    await engine.whenSettled(job.id)
    expect((await engine.getJob('u1', job.id)).state).toMatchObject({ status: 'aborted', content: expect.stringContaining('héllo') })

    await expect(answerDevtoolsCall(engine, { method: 'GET', path: '/jobs/nope', recentIds: [] })).rejects.toBeInstanceOf(JobNotFoundError)
    await expect(answerDevtoolsCall(engine, { method: 'POST', path: '/jobs/nope/abort', recentIds: [] })).rejects.toBeInstanceOf(JobNotFoundError)
    expect(await answerDevtoolsCall(engine, { method: 'GET', path: `/jobs/${job.id}/abort`, recentIds: [] })).toBeNull()
    expect(await answerDevtoolsCall(engine, { method: 'POST', path: '/jobs', recentIds: [] })).toBeNull()
    expect(await answerDevtoolsCall(engine, { method: 'GET', path: '/other', recentIds: [] })).toBeNull()
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0 })
  })
})
