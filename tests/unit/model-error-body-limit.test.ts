/**
 * An error answer's body is read only as far as its gist needs (`ERROR_BODY_BYTES`): a proxy's
 * multi-megabyte error page is not buffered whole (and then run through the HTML and JSON
 * readers) for a 300-character message. On the node:http path (the real upstream) and over fetch.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import type { ModelRequest } from '../../server/lib/model/types'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { startMockUpstream } from '../support/mock-upstream'
import type { MockUpstream } from '../support/mock-upstream'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }
const PAGE_START = '<!doctype html><html><head><title>502 Bad Gateway</title></head><body>'
const BIG = 16 * 1024 * 1024
/** ERROR_BODY_BYTES in upstream-response.ts. */
const ERROR_BODY_BYTES = 64 * 1024

let mock: MockUpstream | undefined
afterEach(async () => {
  await mock?.close()
  mock = undefined
})

async function failureOf(options: { baseUrl: string, fetch?: FetchLike }): Promise<unknown> {
  const client = createModelClient({ ...TEST_CLIENT_OPTIONS, maxRetries: 0, apiKey: 'sk-test', ...options })
  try {
    await client.consume!(REQUEST, new AbortController().signal, () => {})
  }
  catch (error) {
    return error
  }
  return undefined
}

describe('a huge error body', () => {
  it('node:http: the gist comes from the start, and the rest is never read (the upstream sees the request go)', async () => {
    mock = await startMockUpstream([{ status: 502, headers: { 'content-type': 'text/html' }, body: PAGE_START + 'x'.repeat(BIG) }])
    const error = await failureOf({ baseUrl: mock.url })
    expect(error).toBeInstanceOf(UpstreamHttpError)
    expect((error as Error).message).toBe('The model endpoint answered HTTP 502: 502 Bad Gateway (an HTML page)')
    await vi.waitFor(() => expect(mock!.requests[0]!.aborted).toBe(true))
  })

  it('fetch: reads at most ERROR_BODY_BYTES of it, then cancels the body', async () => {
    let served = 0
    let cancelled = false
    const piece = new TextEncoder().encode('x'.repeat(16 * 1024))
    const fetch: FetchLike = async () => new Response(new ReadableStream<Uint8Array>({
      start: controller => controller.enqueue(new TextEncoder().encode(PAGE_START)),
      pull(controller) {
        if (served >= BIG) return controller.close()
        served += piece.length
        controller.enqueue(piece)
      },
      cancel() {
        cancelled = true
      },
    }, { highWaterMark: 0 }), { status: 502 })
    const error = await failureOf({ baseUrl: 'https://upstream.test/v1', fetch })
    expect((error as Error).message).toBe('The model endpoint answered HTTP 502: 502 Bad Gateway (an HTML page)')
    expect(served).toBeLessThanOrEqual(ERROR_BODY_BYTES + piece.length)
    expect(cancelled).toBe(true)
  })
})
