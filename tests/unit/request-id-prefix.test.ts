/**
 * server/middleware/jobs-assign-request-id.ts gives every answer under /api/jobs an `X-Request-Id`.
 * It matched the prefix as text, so an app's own `/api/jobsearch` or `/api/jobs-export` answered
 * with the layer's header too: an adopting app got something it did not ask for.
 */
import { createRouter } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import jobsAssignRequestId from '../../server/middleware/jobs-assign-request-id'
import { storeNotReachable, useStoreUnreachableApp } from '../support/store-unreachable-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const served = useStoreUnreachableApp(() => ({ get: storeNotReachable }), app => void app.use(jobsAssignRequestId).use(createRouter()
  .get('/api/jobsearch', () => ({ by: 'app' }))
  .get('/api/jobs-export', () => ({ by: 'app' }))
  .get('/api/jobs', () => ({ by: 'layer' }))
  .get('/api/jobs/catalog', () => ({ by: 'layer' }))))

describe('X-Request-Id under /api/jobs', () => {
  it('the layer\'s prefix gets it (its routes, a path under it that is no route), a path that only begins with the same letters does not', async () => {
    const header = async (path: string) => (await fetch(`${served.base}${path}`)).headers.get('x-request-id') !== null
    expect({
      'jobs': await header('/api/jobs'),
      'jobs?': await header('/api/jobs?status=running'),
      'catalog': await header('/api/jobs/catalog'),
      'no route': await header('/api/jobs/x/y/z'),
      'jobsearch': await header('/api/jobsearch'),
      'jobs-export': await header('/api/jobs-export'),
    }).toEqual({ 'jobs': true, 'jobs?': true, 'catalog': true, 'no route': true, 'jobsearch': false, 'jobs-export': false })
  })
})
