/**
 * DELETE /api/jobs/:id over HTTP on the built fixture app (memory provider): the owner deletes a
 * job that has ended (204, then 404 everywhere), one still running is a 409 until it is aborted
 * and has ended, another user's job is a 404, a cross-site DELETE is refused, and nothing of the
 * prompt or the answer reaches the logs.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient, showsText } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'
import { readMetrics } from '../support/ops-client'

const TOKEN = 'delete-test-metrics-token-0123456789'
const SECRET_WORDS = 'my very private question'
const ANSWER = 'A private answer.'

let upstream: MockUpstream
let app: AppServer
let releaseHeld!: () => void
const held = new Promise<void>((resolve) => {
  releaseHeld = resolve
})

beforeAll(async () => {
  upstream = await startMockUpstream((request) => {
    const messages = request.body?.messages as Array<{ content: string }> | undefined
    if (messages?.at(-1)?.content.startsWith('hold')) return { chunks: ['Held', ' answer.'], pauseAfterChunks: 1, resume: held }
    return { chunks: [ANSWER], delayMs: 1 }
  })
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url,
    NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-test-secret-key-123456',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
    NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS: '600000',
  })
})

afterAll(async () => {
  releaseHeld?.()
  await app?.stop()
  await upstream?.close()
})

/** Starts a job and waits until it ended. */
async function finishedJob(user: Awaited<ReturnType<ReturnType<typeof createClient>['init']>>, threadId: string) {
  const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: SECRET_WORDS }], threadId })
  const stream = await user.stream(job.streamUrl)
  await stream.ended
  expect(stream.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
  return job as { id: string, streamUrl: string }
}

describe('DELETE /api/jobs/:id', () => {
  it('deletes the owner\'s finished job: 204, then 404 on every route and gone from the list; counted, logged without content', async () => {
    const user = await createClient(app.url).init()
    const threadId = `thread-${randomUUID()}`
    const job = await finishedJob(user, threadId)
    const kept = await finishedJob(user, threadId)
    const before = (await readMetrics(app.url, TOKEN)).counters['jobs_deleted_total{reason="user"}'] ?? 0

    const deleted = await user.delete(`/api/jobs/${job.id}`)
    expect(deleted.status).toBe(204)
    expect(deleted.body).toBeNull()
    expect((await user.get(`/api/jobs/${job.id}`)).status).toBe(404)
    expect((await user.stream(job.streamUrl)).status).toBe(404)
    expect((await user.post(`/api/jobs/${job.id}/abort`)).status).toBe(404)
    expect((await user.get(`/api/jobs?threadId=${threadId}`)).body.jobs.map((listed: { id: string }) => listed.id)).toEqual([kept.id])
    // Deleting again: nothing there.
    expect((await user.delete(`/api/jobs/${job.id}`)).status).toBe(404)
    expect((await readMetrics(app.url, TOKEN)).counters['jobs_deleted_total{reason="user"}']).toBe(before + 1)
    // The notification stream's replay no longer carries it (nor its title): only its deletion.
    const notifications = await user.stream('/api/jobs/notifications?after=0')
    await notifications.waitFor(frame => frame.event === 'job-deleted' && frame.data.jobId === job.id)
    notifications.close()
    expect(notifications.frames.filter(frame => frame.data?.jobId === job.id).map(frame => frame.event)).toEqual(['job-deleted'])
    expect(notifications.frames.some(frame => frame.event === 'job-end' && frame.data.jobId === kept.id)).toBe(true)
    expect(app.output()).toContain(job.id)
    expect(app.output()).not.toContain(SECRET_WORDS)
    expect(app.output()).not.toContain(ANSWER)
  })

  it('a job still running is a 409 naming its status and the abort route; after abort and its end, 204', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `hold ${randomUUID()}` }] })
    const stream = await user.stream(job.streamUrl)
    await stream.waitFor(showsText)
    const refused = await user.delete(`/api/jobs/${job.id}`)
    expect(refused.status).toBe(409)
    expect(refused.body.message).toMatch(/is running/)
    expect(refused.body.message).toContain(`POST /api/jobs/${job.id}/abort`)
    expect((await user.get(`/api/jobs/${job.id}`)).body.job.status).toBe('running')

    expect((await user.post(`/api/jobs/${job.id}/abort`)).status).toBe(200)
    await stream.ended
    expect((await user.delete(`/api/jobs/${job.id}`)).status).toBe(204)
    expect((await user.get(`/api/jobs/${job.id}`)).status).toBe(404)
  })

  it('another user\'s job is a 404 and stays; a cross-site DELETE is a 403 and the job stays', async () => {
    const owner = await createClient(app.url).init()
    const job = await finishedJob(owner, `thread-${randomUUID()}`)
    const stranger = await createClient(app.url).init()
    expect((await stranger.delete(`/api/jobs/${job.id}`)).status).toBe(404)
    const crossSite = await owner.delete(`/api/jobs/${job.id}`, { 'origin': 'https://evil.example', 'sec-fetch-site': 'cross-site' })
    expect(crossSite.status).toBe(403)
    expect(crossSite.body.message).toContain('NUXT_BACKGROUND_JOBS_TRUSTED_ORIGINS')
    expect((await owner.get(`/api/jobs/${job.id}`)).status).toBe(200)
    expect((await owner.delete(`/api/jobs/no-such-${randomUUID()}`)).status).toBe(404)
  })
})

describe('DELETE /api/jobs?threadId=', () => {
  it('deletes the thread\'s ended jobs in one request and names the running one; another user\'s thread is untouched; 400 without threadId', async () => {
    const user = await createClient(app.url).init()
    const stranger = await createClient(app.url).init()
    const threadId = `thread-${randomUUID()}`
    const ended = [await finishedJob(user, threadId), await finishedJob(user, threadId)]
    const theirs = await finishedJob(stranger, threadId)
    const { body: running } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `hold ${randomUUID()}` }], threadId })
    const stream = await user.stream(running.streamUrl)
    await stream.waitFor(showsText)
    const before = (await readMetrics(app.url, TOKEN)).counters['jobs_deleted_total{reason="user"}'] ?? 0

    const answer = await user.delete(`/api/jobs?threadId=${threadId}`)
    expect(answer.status).toBe(200)
    expect([...answer.body.deleted].sort()).toEqual(ended.map(job => job.id).sort())
    expect(answer.body).toMatchObject({ active: [running.id], more: false })
    for (const job of ended) expect((await user.get(`/api/jobs/${job.id}`)).status).toBe(404)
    expect((await user.get(`/api/jobs?threadId=${threadId}`)).body.jobs.map((listed: { id: string }) => listed.id)).toEqual([running.id])
    expect((await stranger.get(`/api/jobs/${theirs.id}`)).status).toBe(200)
    expect((await readMetrics(app.url, TOKEN)).counters['jobs_deleted_total{reason="user"}']).toBe(before + 2)

    expect((await user.post(`/api/jobs/${running.id}/abort`)).status).toBe(200)
    await stream.ended
    expect((await user.delete(`/api/jobs?threadId=${threadId}`)).body).toEqual({ deleted: [running.id], active: [], more: false })

    const missing = await user.delete('/api/jobs')
    expect(missing.status).toBe(400)
    expect(missing.body.message).toMatch(/^threadId: is required/)
    expect(missing.body.message).toContain('DELETE /api/jobs/:id')
    const crossSite = await stranger.delete(`/api/jobs?threadId=${threadId}`, { 'origin': 'https://evil.example', 'sec-fetch-site': 'cross-site' })
    expect(crossSite.status).toBe(403)
    expect((await stranger.get(`/api/jobs/${theirs.id}`)).status).toBe(200)
    expect(app.output()).not.toContain(SECRET_WORDS)
  })
})
