/**
 * A query parameter given twice (`?limit=1&limit=2`, `?threadId=a&threadId=b`) reaches a route as a
 * list. The routes that take it once answer a 400 that says so, naming the parameter — not
 * `threadId: is required` (DELETE /api/jobs, which had been given one twice) or `limit: expected
 * number, received NaN`. `status`, a list by design, still reads every value.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

const cases: Array<[method: string, path: string, parameter: string]> = [
  ['DELETE', '/api/jobs?threadId=a&threadId=b', 'threadId'],
  ['GET', '/api/jobs?limit=1&limit=2', 'limit'],
  ['GET', '/api/jobs?threadId=a&threadId=b', 'threadId'],
  ['GET', '/api/jobs?messageId=a&messageId=b', 'messageId'],
  ['GET', '/api/jobs?before=a&before=b', 'before'],
  ['GET', '/api/jobs/threads?limit=5&limit=5', 'limit'],
  ['GET', '/api/jobs/threads?before=a&before=b', 'before'],
]

describe('a query parameter given more than once', () => {
  it.each(cases)('%s %s is a 400 saying %s was given twice', async (method, path, parameter) => {
    const response = await fetch(`${app.base}${path}`, { method })
    expect(response.status).toBe(400)
    const { message } = await response.json() as { message: string }
    expect(message).toBe(`${parameter}: is given 2 times; give it once`)
  })

  it('DELETE /api/jobs without threadId still says it is required', async () => {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'DELETE' })
    expect(response.status).toBe(400)
    expect((await response.json() as { message: string }).message).toMatch(/^threadId: is required/)
  })

  it('status, a list, still takes every value', async () => {
    const response = await fetch(`${app.base}/api/jobs?status=running&status=waiting`)
    expect(response.status).toBe(200)
  })
})
