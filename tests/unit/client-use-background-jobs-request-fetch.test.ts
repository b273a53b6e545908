/**
 * `useBackgroundJobs()` sends every request through `useJobsFetch`, not the global `$fetch`. In the
 * browser they are the same; during SSR only `useJobsFetch` carries the page's cookie (Nitro's
 * global `$fetch` calls the API with no request headers): a `start()` made while rendering started
 * the job for another (new, anonymous) user, whom the page never sees again, and a `remove()` or
 * `removeThread()` deleted nothing (the job reported as already gone, the thread as empty). Here
 * `$fetch` plays the server's global fetch (a stranger to the page's jobs) and `useJobsFetch` the page's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'

const summary = { id: 'j1', type: 'chat', status: 'aborted', threadId: 't1', messageId: null, title: 'hi', createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 3 }
let asked: string[]

function notFound(): never {
  throw Object.assign(new Error('[DELETE] "/api/jobs/j1": 404 Not Found'), { statusCode: 404, data: { statusCode: 404, message: 'Job not found' } })
}

beforeEach(() => {
  asked = []
  vi.stubGlobal('useRuntimeConfig', () => ({ app: { baseURL: '/' }, public: {} }))
  // The global $fetch during SSR: no cookie, so the API sees a new anonymous user with no jobs.
  vi.stubGlobal('$fetch', async (url: string, options: { method?: string } = {}) => {
    asked.push(`stranger ${options.method ?? 'GET'} ${url}`)
    if (options.method === 'POST' && url === '/api/jobs') return { id: 'someone-elses', status: 'queued', threadId: null, streamUrl: '/api/jobs/someone-elses/stream' }
    if (options.method === 'DELETE' && url === '/api/jobs') return { deleted: [], active: [], more: false }
    return notFound()
  })
  // The page's own fetch (useRequestFetch with the visitor's cookie).
  vi.stubGlobal('useJobsFetch', () => async (url: string, options: { method?: string } = {}) => {
    asked.push(`page ${options.method ?? 'GET'} ${url}`)
    if (options.method === 'POST' && url === '/api/jobs') return { id: 'j1', status: 'queued', threadId: 't1', streamUrl: '/api/jobs/j1/stream' }
    if (options.method === 'POST') return { job: summary }
    if (options.method === 'DELETE' && url === '/api/jobs') return { deleted: ['j1'], active: [], more: false }
    return undefined
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('useBackgroundJobs(): requests carry the page\'s user', () => {
  it('start, abort, remove and removeThread go through useJobsFetch', async () => {
    const jobs = useBackgroundJobs()
    const outcome = {
      started: (await jobs.start({ messages: [{ role: 'user', content: 'hi' }] })).id,
      aborted: await jobs.abort('j1').then(job => job.id, (error: Error) => error.message),
      removed: await jobs.remove('j1'),
      removedThread: await jobs.removeThread('t1').catch((error: Error) => error.message),
    }
    expect(outcome).toEqual({ started: 'j1', aborted: 'j1', removed: true, removedThread: 1 })
    expect(asked).toEqual(['page POST /api/jobs', 'page POST /api/jobs/j1/abort', 'page DELETE /api/jobs/j1', 'page DELETE /api/jobs'])
  })
})
