/**
 * Abuse limits over real HTTP: rate limits and stream caps (429 + Retry-After naming the limit),
 * size limits (413/400) and deeply nested JSON bodies (400, never a 500). The app and upstream:
 * tests/support/security-app.ts.
 */
import { describe, expect, it } from 'vitest'
import { createClient } from '../support/http-client'
import { app, chat, useSecurityApp } from '../support/security-app'

useSecurityApp()

describe('abuse limits', () => {
  it('job creation: the 6th in a minute is 429 with Retry-After naming limits.createPerMinute; other users are unaffected', async () => {
    const user = await createClient(app.url).init()
    for (let index = 0; index < 5; index++) expect((await user.post('/api/jobs', chat(`fine ${index}`))).status).toBe(202)
    const refused = await user.post('/api/jobs', chat('fine again'))
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(refused.body.message).toContain('limits.createPerMinute')
    expect((await (await createClient(app.url).init()).post('/api/jobs', chat('other user'))).status).toBe(202)
  })

  it('job creation: only jobs really created count — a retry with the same Idempotency-Key is answered, never counted', async () => {
    const user = await createClient(app.url).init()
    const first = await user.post('/api/jobs', chat('fine first'), { 'idempotency-key': 'retry-me' })
    expect(first.status).toBe(202)
    for (let retry = 0; retry < 6; retry++) {
      const again = await user.post('/api/jobs', chat('fine first'), { 'idempotency-key': 'retry-me' })
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ id: first.body.id, created: false })
    }
    for (let index = 0; index < 4; index++) expect((await user.post('/api/jobs', chat(`fine ${index}`))).status).toBe(202)
    const refused = await user.post('/api/jobs', chat('fine again'))
    expect(refused.status).toBe(429)
    expect(refused.body.message).toContain('limits.createPerMinute')
    // A retry of a job it holds is still answered when the window is full.
    expect((await user.post('/api/jobs', chat('fine first'), { 'idempotency-key': 'retry-me' })).body).toMatchObject({ id: first.body.id, created: false })
  })

  it('input answers: the 3rd in a minute is 429 naming limits.inputPerMinute', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('fine'))
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: 'nope', answer: 'approve' })).status).toBe(409)
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: 'nope', answer: 'approve' })).status).toBe(409)
    const refused = await user.post(`/api/jobs/${job.id}/input`, { requestId: 'nope', answer: 'approve' })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBeTruthy()
    expect(refused.body.message).toContain('limits.inputPerMinute')
  })

  it('deletions: the 3rd DELETE in a minute is 429 with Retry-After naming limits.deletePerMinute, found or not; the job stays', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('fine'))
    const stream = await user.stream(job.streamUrl)
    await stream.ended
    expect((await user.delete('/api/jobs/no-such-job')).status).toBe(404)
    expect((await user.delete('/api/jobs/no-such-job-either')).status).toBe(404)
    const refused = await user.delete(`/api/jobs/${job.id}`)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.body.message).toContain('limits.deletePerMinute')
    expect((await user.get(`/api/jobs/${job.id}`)).status).toBe(200)
    // Another user's window is their own.
    const other = await createClient(app.url).init()
    expect((await other.delete('/api/jobs/no-such-job')).status).toBe(404)
  })

  it('open streams: a 3rd concurrent SSE connection is 429 naming limits.maxStreamsPerUser; closing one frees a slot', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('slow'))
    const first = await user.stream(job.streamUrl)
    const second = await user.stream('/api/jobs/notifications')
    const third = await user.stream(job.streamUrl)
    expect(third.status).toBe(429)
    expect(third.headers.get('retry-after')).toBe('5')
    expect(first.status).toBe(200)
    second.close()
    await expect.poll(async () => {
      const retry = await user.stream(job.streamUrl)
      retry.close()
      return retry.status
    }).toBe(200)
    first.close()
    await user.post(`/api/jobs/${job.id}/abort`)
  })

  it('size limits: body 413, messages, message length and tools 400, each naming the limit', async () => {
    const user = await createClient(app.url).init()
    const big = await user.post('/api/jobs', chat('x'.repeat(5000)))
    expect(big.status).toBe(413)
    expect(big.body.message).toContain('limits.maxBodyBytes')
    const many = await user.post('/api/jobs', { messages: Array.from({ length: 4 }, () => ({ role: 'user', content: 'hi' })) })
    expect([many.status, many.body.message]).toEqual([400, expect.stringContaining('limits.maxMessages')])
    const long = await user.post('/api/jobs', chat('y'.repeat(201)))
    expect([long.status, long.body.message]).toEqual([400, expect.stringContaining('limits.maxMessageChars')])
    const tools = await user.post('/api/jobs', chat('hi', { tools: ['a', 'b', 'c'] }))
    expect([tools.status, tools.body.message]).toEqual([400, expect.stringContaining('limits.maxToolsPerRequest')])
  })
})

describe('deeply nested bodies', () => {
  it('a body nested thousands deep (with an escaped emoji) is a 400 naming the limit on every JSON route, never a 500', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', chat('fine'))
    const deep = `${'['.repeat(1500)}${']'.repeat(1500)}`
    // The chat route takes tool outputs back, nested as deep as a tool result may be (500) in its envelope.
    const bodies: Array<[string, string, number]> = [
      ['/api/jobs', `{"messages":[{"role":"user","content":"\\ud83d\\ude00"}],"x":${deep}}`, 64],
      [`/api/jobs/${job.id}/input`, `{"requestId":"\\ud83d\\ude00","answer":${deep}}`, 64],
      ['/api/jobs/chat', `{"id":"\\ud83d\\ude00","messages":[],"x":${deep}}`, 508],
    ]
    for (const [path, body, levels] of bodies) {
      const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'cookie': user.cookie(), 'content-type': 'application/json', 'accept': 'application/json' }, body })
      expect(response.status, path).toBe(400)
      expect((await response.json()).message).toBe(`body: nests arrays and objects more than ${levels} levels deep`)
    }
    expect(app.output()).not.toContain('unexpected error')
  })
})
