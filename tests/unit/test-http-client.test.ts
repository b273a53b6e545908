/**
 * The e2e tests' SSE reader (tests/support/http-client.ts) must tell an answer that is no event
 * stream (a 503 naming Redis, a 404, a 204) from an event stream the server cut before any frame.
 * It once fed a 503's JSON body to the SSE parser: `waitFor` then failed with "stream ended before
 * the awaited frame; got " — read as "a viewer got no live frames and was closed 5 s later"
 * (owner-serves-during-outage: a viewer opened after the job's text ended, while its end was not
 * stored yet, is rightly answered 503 after the Redis command timeout).
 */
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../support/http-client'

let server: Server
let url: string

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/unavailable') {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' })
      response.end(JSON.stringify({ statusCode: 503, message: 'Redis is unreachable' }))
    }
    else if (request.url === '/seen') {
      response.writeHead(204).end()
    }
    else {
      // An event stream that ends after one frame.
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end('retry: 1000\n\nid: 1\nevent: snapshot\ndata: {"content":""}\n\n')
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

describe('the test client\'s SSE reader', () => {
  it('an error answer is no event stream: waiting for a frame fails naming its status and message', async () => {
    const answer = await createClient(url).stream('/unavailable')
    expect(answer.status).toBe(503)
    await expect(answer.waitFor(() => true)).rejects.toThrow(/^no event stream: 503 .*Redis is unreachable/)
    await answer.ended
    expect(answer.frames).toEqual([])
    // Asked again once it is over: the same reason.
    await expect(answer.waitFor(() => true)).rejects.toThrow(/^no event stream: 503/)
  })

  it('a 204 is no event stream either', async () => {
    const answer = await createClient(url).stream('/seen')
    expect(answer.status).toBe(204)
    await expect(answer.waitFor(() => true)).rejects.toThrow(/^no event stream: 204$/)
  })

  it('an event stream that ends first still fails as a stream that ended, naming the frames it got', async () => {
    const answer = await createClient(url).stream('/stream')
    expect(answer.status).toBe(200)
    await expect(answer.waitFor(frame => frame.event === 'job-end')).rejects.toThrow(/^stream ended before the awaited frame; got snapshot$/)
    expect(answer.frames.map(frame => frame.event)).toEqual(['snapshot'])
  })
})
