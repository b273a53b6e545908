/**
 * readJsonBody over a real socket: the byte limit holds without a Content-Length, and a client
 * that leaves mid-body ends the read with a 400 (its own doing) — never a hang, never a 500.
 */
import { createServer, request as httpRequest } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, eventHandler, toNodeListener } from 'h3'
import { afterEach, describe, expect, it } from 'vitest'
import { readJsonBody, RequestError } from '../../server/lib/http/request'

/** Every server a test started (one test starts two): all closed after it. */
const servers: Server[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => {
    server.closeAllConnections()
    return new Promise(resolve => server.close(resolve))
  }))
})

/** A server whose route reads one body: `started` settles when the route runs, `outcome` with what the read gave. */
async function serveOnce(maxBytes: number) {
  let started!: () => void
  let settle!: (outcome: { body?: unknown, error?: unknown }) => void
  const result = {
    started: new Promise<void>((resolve) => {
      started = resolve
    }),
    outcome: new Promise<{ body?: unknown, error?: unknown }>((resolve) => {
      settle = resolve
    }),
    port: 0,
  }
  const app = createApp().use(eventHandler(async (event) => {
    started()
    try {
      const body = await readJsonBody(event, maxBytes)
      settle({ body })
      return body
    }
    catch (error) {
      settle({ error })
      return null
    }
  }))
  const server = createServer(toNodeListener(app))
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  result.port = (server.address() as AddressInfo).port
  return result
}

function post(port: number) {
  const outgoing = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } })
  outgoing.on('error', () => {})
  return outgoing
}

describe('readJsonBody', () => {
  it('reads a chunked JSON body', async () => {
    const served = await serveOnce(1000)
    const outgoing = post(served.port)
    outgoing.write('{"a":')
    outgoing.end('1}')
    expect(await served.outcome).toEqual({ body: { a: 1 } })
  })

  it('is a 413 as soon as a body without Content-Length passes the limit', async () => {
    const served = await serveOnce(10)
    const outgoing = post(served.port)
    outgoing.write('{"text":"')
    outgoing.write('x'.repeat(50))
    const { error } = await served.outcome
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ statusCode: 413 })
    outgoing.destroy()
  })

  it('a client that leaves mid-body ends the read with a 400, not an unexpected error', async () => {
    const served = await serveOnce(1000)
    const outgoing = post(served.port)
    outgoing.write('{"text":"half')
    await served.started
    outgoing.destroy()
    const { error } = await served.outcome
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining('closed the connection') })
  })
})

describe('readJsonBody and Unicode', () => {
  async function send(body: Buffer | string) {
    const served = await serveOnce(10_000)
    const outgoing = post(served.port)
    outgoing.end(body)
    return await served.outcome
  }

  it('reads UTF-8 text of every width, cut anywhere across body pieces, as sent', async () => {
    const text = 'héllo 日本語 😀 👨‍👩‍👧‍👦 e\u0301 مرحبا'
    const bytes = Buffer.from(JSON.stringify({ text }))
    const served = await serveOnce(10_000)
    const outgoing = post(served.port)
    // One byte per piece: every multi-byte character arrives split.
    for (const byte of bytes.subarray(0, -1)) outgoing.write(Buffer.from([byte]))
    outgoing.end(bytes.subarray(-1))
    expect(await served.outcome).toEqual({ body: { text } })
  })

  it('is a 400 for bytes that are not UTF-8, never text with `�` in their place', async () => {
    const { error } = await send(Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xE9]), Buffer.from('"}')]))
    expect(error).toMatchObject({ statusCode: 400, message: 'body: is not valid UTF-8' })
  })

  it('is a 400 naming the field for a lone surrogate escape', async () => {
    const { error } = await send('{"messages":[{"role":"user","content":"hi \\ud83d there"}]}')
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^messages\.0\.content: holds a lone surrogate \(\\ud83d at character 3\)/) })
    const key = await send('{"input":{"\\udc00":1}}')
    expect(key.error).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^input: a key holds a lone surrogate/) })
  })

  it('reads escaped surrogate pairs (a whole emoji) as the emoji', async () => {
    expect(await send('{"threadId":"\\ud83d\\ude00"}')).toEqual({ body: { threadId: '😀' } })
  })
})
