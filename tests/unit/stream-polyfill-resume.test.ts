/**
 * EventSource polyfills that cannot set `Last-Event-ID` reconnect to the URL they were given with
 * the last id they received added as `?lastEventId=` (docs/api.md). A stream opened with
 * `?after=<id>` keeps that in its URL, so on reconnect it carries both: the `lastEventId` is the
 * newer position, as the header would be, and must win. The older `?after=` won: the client got
 * again every event between the two (duplicates), and one already at the end got the replay
 * instead of the 204 that stops it.
 */
import { describe, expect, it, vi } from 'vitest'
import { createClient } from '../support/http-client'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const PIECES = ['one ', 'two ', 'three ', 'four ']

const app = useServedRoutes({
  config: { stream: { batchWindowMs: 0 } },
  runners: {
    async chat(context) {
      for (const piece of PIECES) context.text(piece)
    },
    async workflow() {},
  },
})

describe('a polyfilled reconnect of a stream opened with ?after=', () => {
  it('resumes after ?lastEventId=, not after the URL\'s older ?after=', async () => {
    const user = await createClient(app.base).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'hi' }] })
    await app.engine.whenSettled(job.id)
    const whole = await user.stream(job.streamUrl)
    await whole.ended
    const ids = whole.frames.map(frame => frame.id!)
    const end = ids.at(-1)!
    const beforeEnd = ids.at(-2)!

    // One event missed: only the end comes (the first connection had the rest).
    const resumed = await user.stream(`${job.streamUrl}?after=1&lastEventId=${beforeEnd}`)
    await resumed.ended
    expect(resumed.frames.map(frame => frame.id)).toEqual([end])

    // Nothing missed: 204, for GET and HEAD, as with the header.
    const seen = await user.get(`${job.streamUrl}?after=1&lastEventId=${end}`)
    expect(seen.status).toBe(204)
    const head = await fetch(`${app.base}${job.streamUrl}?after=1&lastEventId=${end}`, { method: 'HEAD', headers: { cookie: user.cookie() } })
    expect(head.status).toBe(204)
  })
})
