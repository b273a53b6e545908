/**
 * A query parameter written with brackets (`?status[]=running`, as qs, PHP and axios' default
 * serializer write a list) reaches a route under another name, `status[]`, which the schema
 * dropped: `GET /api/jobs?status[]=running` answered 200 with every job, the filter silently not
 * applied. A route's own parameter so written is now a 400 naming it and the shape it takes; the
 * documented `?status=a,b` and `?status=a&status=b` still filter.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

const once = (name: string) => `${name}[]: is not read: a parameter's name takes no brackets; give ${name}=… once`

const cases: Array<[method: string, path: string, message: string]> = [
  ['GET', '/api/jobs?status[]=running', 'status[]: is not read: a parameter\'s name takes no brackets; give status=running,waiting (or status=running&status=waiting)'],
  ['GET', '/api/jobs?threadId[]=t-1', once('threadId')],
  ['GET', '/api/jobs?messageId[]=m-1', once('messageId')],
  ['GET', '/api/jobs?limit[]=5', once('limit')],
  ['GET', '/api/jobs?before[]=x', once('before')],
  ['HEAD', '/api/jobs?status[]=running', ''],
  // Not "threadId: is required", about the same mistake.
  ['DELETE', '/api/jobs?threadId[]=t-1', once('threadId')],
  ['GET', '/api/jobs/threads?limit[]=5', once('limit')],
  ['GET', '/api/jobs/threads?before[]=x', once('before')],
]

/** A job the routes' idle runner keeps running. */
async function runningJob(): Promise<string> {
  const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] } })
  return job.id
}

describe('a query parameter written with brackets', () => {
  it.each(cases)('%s %s is a 400 naming it and the shape it takes', async (method, path, message) => {
    const response = await fetch(`${app.base}${path}`, { method })
    expect(response.status).toBe(400)
    if (method !== 'HEAD') expect((await response.json() as { message: string }).message).toBe(message)
  })

  it('status[0]=… (an index in the brackets) too; a name the route does not take stays ignored', async () => {
    const indexed = await fetch(`${app.base}/api/jobs?status[0]=running&status[1]=waiting`)
    expect(indexed.status).toBe(400)
    expect((await indexed.json() as { message: string }).message).toMatch(/^status\[0\]: is not read: .*; status\[1\]: is not read: /)
    expect((await fetch(`${app.base}/api/jobs?foo[]=1`)).status).toBe(200)
  })

  it('status as documented (a comma list, or given again) still filters', async () => {
    const running = await runningJob()
    for (const query of ['status=queued,running', 'status=queued&status=running']) {
      const response = await fetch(`${app.base}/api/jobs?${query}`)
      expect(response.status).toBe(200)
      const { jobs } = await response.json() as { jobs: Array<{ id: string }> }
      expect(jobs.map(job => job.id)).toContain(running)
    }
    const none = await (await fetch(`${app.base}/api/jobs?status=completed`)).json() as { jobs: unknown[] }
    expect(none.jobs).toEqual([])
  })
})
