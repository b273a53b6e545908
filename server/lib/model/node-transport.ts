/**
 * The real upstream over node:http / node:https `request()`: the body is read as Buffers straight
 * from the socket, without web streams (measured in bench/model-client.ts: most of the client's
 * per-chunk CPU under `fetch` was ReadableStream machinery). Behaves like the fetch path: an abort
 * destroys the request (the upstream sees the connection go), socket errors reject with the
 * underlying error, compressed bodies are decoded.
 */
import type { ClientRequest, IncomingMessage } from 'node:http'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { abortReason } from './abortable'
import type { BodySource, ByteReader, TransportRequest, UpstreamResponse } from './transport'

/** Sends the request; resolves once the status and headers arrived. */
export function nodeTransport(url: string, init: TransportRequest): Promise<UpstreamResponse> {
  const { signal } = init
  if (signal.aborted) return Promise.reject(abortReason(signal))
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined
    if (!send) {
      reject(new TypeError(`Unsupported protocol in the model base URL: ${target.protocol}`))
      return
    }
    const payload = Buffer.from(init.body, 'utf8')
    const request = send(target, { method: init.method, headers: { ...init.headers, 'content-length': String(payload.length) } })
    let incoming: IncomingMessage | undefined
    // A response that fully arrived keeps its socket for reuse (drain what nobody read); anything else is cut off.
    const end = () => {
      if (incoming?.complete) incoming.resume()
      else request.destroy()
    }
    const onAbort = () => {
      end()
      reject(abortReason(signal))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    request.on('close', () => signal.removeEventListener('abort', onAbort))
    // After the response came, failures surface on the body instead; this only settles the wait for headers.
    request.on('error', reject)
    request.on('response', (response) => {
      incoming = response
      // The body reader reports a broken connection; with nobody reading, it must not crash the process.
      response.on('error', () => {})
      resolve(wrapResponse(response, request, end))
    })
    request.end(payload)
  })
}

function wrapResponse(incoming: IncomingMessage, request: ClientRequest, end: () => void): UpstreamResponse {
  const status = incoming.statusCode ?? 0
  const body = decoded(incoming, request)
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = incoming.headers[name.toLowerCase()]
        return Array.isArray(value) ? value.join(', ') : value ?? null
      },
    },
    async text(maxBytes) {
      const parts: Buffer[] = []
      let size = 0
      for await (const part of body) {
        parts.push(part as Buffer)
        size += (part as Buffer).length
        // Enough for any excerpt: the rest of a huge body is never buffered (the request is released).
        if (size >= maxBytes) {
          end()
          break
        }
      }
      return Buffer.concat(parts, Math.min(size, maxBytes)).toString('utf8')
    },
    reader: () => createBodyReader(body, end),
    source: () => createBodySource(body, end),
  }
}

/** The body, decompressed when the upstream compressed it (fetch does this too). */
function decoded(incoming: IncomingMessage, request: ClientRequest): Readable {
  const encoding = String(incoming.headers['content-encoding'] ?? '').trim().toLowerCase()
  const decoder = encoding === 'gzip' || encoding === 'x-gzip'
    ? createGunzip()
    : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined
  if (!decoder) return incoming
  decoder.on('error', () => request.destroy())
  incoming.on('error', error => decoder.destroy(error))
  return incoming.pipe(decoder)
}

/** Most chunks the reader holds before it pauses the socket (the consumer is slower than the upstream). */
export const MAX_QUEUED_CHUNKS = 64

/**
 * A pull reader over 'data' events: a chunk that arrives while a read waits settles it directly,
 * with no async-iterator layer in between. `cancel` calls `end` (which releases the request).
 */
export function createBodyReader(body: Readable, end: () => void): ByteReader {
  const queue: Uint8Array[] = []
  let finished = false
  let failure: unknown
  let waiting: { resolve: (result: Awaited<ReturnType<ByteReader['read']>>) => void, reject: (error: unknown) => void } | undefined
  const settle = () => {
    const pending = waiting
    if (!pending || (!finished && failure === undefined)) return
    waiting = undefined
    if (failure !== undefined) pending.reject(failure)
    else pending.resolve({ done: true })
  }
  body.on('data', (chunk: Buffer) => {
    if (waiting) {
      const pending = waiting
      waiting = undefined
      pending.resolve({ done: false, value: chunk })
      return
    }
    queue.push(chunk)
    if (queue.length >= MAX_QUEUED_CHUNKS) body.pause()
  })
  body.on('end', () => {
    finished = true
    settle()
  })
  body.on('error', (error) => {
    failure ??= error
    settle()
  })
  body.on('close', () => {
    // Destroyed without an error (e.g. our own abort): the body did not end.
    if (!finished) failure ??= new Error('The response closed before it ended')
    settle()
  })
  return {
    read() {
      const value = queue.shift()
      if (value) {
        if (body.isPaused() && queue.length < MAX_QUEUED_CHUNKS / 2) body.resume()
        return Promise.resolve({ done: false, value })
      }
      if (failure !== undefined) return Promise.reject(failure)
      if (finished) return Promise.resolve({ done: true })
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject }
      })
    },
    cancel: async () => end(),
  }
}

/**
 * The body as a pushed source: each 'data' event goes straight to the handlers, in the socket's
 * own callback. `cancel` calls `end` (which releases the request).
 */
export function createBodySource(body: Readable, end: () => void): BodySource {
  return {
    start(handlers) {
      let settled = false
      const settle = (error?: unknown) => {
        if (settled) return
        settled = true
        if (error === undefined) handlers.end()
        else handlers.error(error)
      }
      body.on('data', (chunk: Buffer) => {
        if (!settled) handlers.data(chunk)
      })
      body.on('end', () => settle())
      body.on('error', error => settle(error))
      // Destroyed without an error (e.g. our own abort): the body did not end.
      body.on('close', () => settle(new Error('The response closed before it ended')))
    },
    cancel: async () => end(),
  }
}
