/**
 * A JSON body sent compressed (`Content-Encoding: gzip`, which some HTTP clients do on their own)
 * is not read: the routes take bodies as sent. It is a 415 naming the header, as RFC 9110 says for
 * a content coding the server does not take — not "body: is not valid UTF-8" (the client's text
 * was fine) or "is not valid JSON". `identity` is no coding and is read as usual.
 */
import { gzipSync } from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })

describe('a compressed request body', () => {
  it.each(['gzip', 'br', 'deflate', 'GZIP'])('Content-Encoding: %s is a 415 naming the header', async (coding) => {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': coding }, body: gzipSync(chat) })
    expect(response.status).toBe(415)
    expect((await response.json() as { message: string }).message).toBe(`content-encoding: ${coding} is not accepted; send the JSON body uncompressed`)
  })

  it('Content-Encoding: identity is read as usual', async () => {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: chat })
    expect(response.status).toBe(202)
  })
})
