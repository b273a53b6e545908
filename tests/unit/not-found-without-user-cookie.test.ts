/**
 * A job's 404 for a request that came without the anonymous user's cookie. A developer trying the
 * routes with curl started a job, then followed its `streamUrl` without sending back the cookie
 * the start set: the request was a new anonymous user, and the answer only said `Job … not found`
 * for the job just started. The 404 now says the request carried no user cookie this server can
 * read (a fact about the request, never about the job: the same words whether the job exists).
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, eventHandler, toNodeListener } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { anonymousUserId } from '../../server/lib/http/user'
import { toHttpError } from '../../server/lib/http/handler'
import { JobNotFoundError } from '../../server/lib/errors'

vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const SECRET = 'a-secret-of-at-least-32-characters!!'
const OTHER_SECRET = 'another-secret-of-at-least-32-chars!'
const HINT = 'Job j-1 not found. This request came without a user cookie this server can read (none, or one sealed with another cookieSecret), so it was answered as a new anonymous user, who has no jobs: send the cookie the request that started the job got back (curl: -c cookies.txt, then -b cookies.txt)'

let server: Server
let port = 0

beforeEach(async () => {
  const app = createApp().use(eventHandler(async (event) => {
    const secret = event.path.startsWith('/other') ? OTHER_SECRET : SECRET
    if (event.path.endsWith('/start')) return await anonymousUserId(event, secret)
    await anonymousUserId(event, secret)
    // What the routes' handler answers (h3's bare app would leave the message out of its JSON).
    const error = toHttpError(event, new JobNotFoundError('j-1')) as unknown as { statusCode: number, message: string }
    return { status: error.statusCode, message: error.message }
  }))
  server = createServer(toNodeListener(app))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

async function notFound(path: string, cookie?: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: cookie ? { cookie, accept: 'application/json' } : { accept: 'application/json' } })
  return await response.json() as { status: number, message: string }
}

describe('a job\'s 404', () => {
  it('for a request without a user cookie says the request was a new anonymous user', async () => {
    expect(await notFound('/job')).toEqual({ status: 404, message: HINT })
  })

  it('for a cookie sealed with another secret says the same', async () => {
    const start = await fetch(`http://127.0.0.1:${port}/other/start`)
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!
    expect(await notFound('/job', cookie)).toEqual({ status: 404, message: HINT })
  })

  it('for a request with the user\'s cookie is the plain 404', async () => {
    const start = await fetch(`http://127.0.0.1:${port}/start`)
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!
    expect(await notFound('/job', cookie)).toEqual({ status: 404, message: 'Job j-1 not found' })
  })
})
