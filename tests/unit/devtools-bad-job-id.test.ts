/**
 * A DevTools data path whose job id is not valid percent-encoding (`/jobs/%E0%A4%A`, `/jobs/%`)
 * is the caller's mistake: a 400 naming the id, not `decodeURIComponent`'s URIError answered as a
 * 500 "Internal error" and logged as an unexpected server error.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { answerDevtoolsCall } from '../../server/lib/devtools/routes'
import { toHttpError } from '../../server/lib/http/handler'
import { routeLogger } from '../../server/lib/http/route-logger'
import { createTestEngine } from '../support/engine-harness'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

describe('a DevTools job id that is not valid percent-encoding', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it.each([
    ['GET', '/jobs/%E0%A4%A'],
    ['GET', '/jobs/%'],
    ['POST', '/jobs/%ZZ/abort'],
  ])('%s %s is a 400 naming the id, and logs nothing', async (method, path) => {
    const logged = vi.spyOn(routeLogger, 'error').mockImplementation(() => {})
    const { engine } = createTestEngine({ runners: { chat: async () => {}, workflow: async () => {} } })
    const failure = await answerDevtoolsCall(engine, { method, path, recentIds: [] }).then(() => null, (error: unknown) => error)
    const answer = toHttpError({ method, path: `/__background-jobs/devtools/api${path}` } as H3Event, failure)
    expect({ statusCode: (answer as Error & { statusCode?: number }).statusCode, message: answer.message }).toEqual({
      statusCode: 400,
      message: `job id: ${JSON.stringify(path.split('/')[2])} is not valid percent-encoding`,
    })
    expect(logged).not.toHaveBeenCalled()
    await engine.dispose()
  })
})
