/**
 * A front end on another origin than the API (`trustedOrigins`, api.md "A front end on another
 * origin") that follows a job with `followJobStream` and an absolute API URL: the default stream
 * and probe must send the user's cookie, or the API sees a new anonymous user, answers 404, and
 * the follower reports the job `lost`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFetchProbe } from '../../app/lib/job-probe'
import { followNotifications } from '../../app/lib/notification-stream'
import { followJobStream } from '../../app/lib/job-stream'
import { snapshot } from '../support/job-stream-harness'

const API_STREAM = 'https://api.example.com/api/jobs/j1/stream'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** A stand-in EventSource that records what each one was opened with. */
function stubEventSource(): Array<{ url: string, init?: EventSourceInit }> {
  const opened: Array<{ url: string, init?: EventSourceInit }> = []
  vi.stubGlobal('EventSource', class {
    onopen = null
    onmessage = null
    onerror = null
    constructor(url: string, init?: EventSourceInit) {
      opened.push({ url, init })
    }

    addEventListener() {}
    close() {}
  })
  return opened
}

describe('a follower of another origin\'s API sends credentials', () => {
  it('opens the default EventSource with credentials', () => {
    const opened = stubEventSource()
    const handle = followJobStream({ url: API_STREAM, getSeq: () => 0, onSnapshot: () => {}, onEvent: () => {}, staleAfterMs: 0, subscribeToWake: () => () => {} })
    handle.close()
    expect(opened).toEqual([{ url: API_STREAM, init: { withCredentials: true } }])
  })

  it('opens the notification stream\'s default EventSource with credentials too', () => {
    const opened = stubEventSource()
    const url = 'https://api.example.com/api/jobs/notifications'
    const handle = followNotifications({ url, onNotification: () => {}, subscribeToWake: () => () => {} })
    handle.close()
    expect(opened).toEqual([{ url, init: { withCredentials: true } }])
  })

  it('asks GET /api/jobs/:id with credentials', async () => {
    const asked: { url: string, credentials?: RequestCredentials }[] = []
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      asked.push({ url, credentials: init?.credentials })
      return new Response(JSON.stringify({ state: snapshot(2, 'ab') }), { status: 200 })
    })
    expect((await createFetchProbe(`${API_STREAM}?after=2`)())!.content).toBe('ab')
    expect(asked).toEqual([{ url: 'https://api.example.com/api/jobs/j1', credentials: 'include' }])
  })
})
