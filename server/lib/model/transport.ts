/**
 * What the model client needs of one HTTP exchange with the upstream, so the same client runs
 * over `fetch` (the scripted model, injected test doubles) and over node:http (the real upstream,
 * fewer layers per chunk than web streams).
 */
import { raceAbort } from './abortable'

/** The part of `fetch` the client uses (the scripted model and tests provide their own). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** One POST to the upstream. */
export interface TransportRequest {
  method: 'POST'
  headers: Record<string, string>
  body: string
  /** Aborting it ends the request at once, whatever stage it is in. */
  signal: AbortSignal
}

/** Reads the body one chunk at a time; `cancel` releases the upstream (pending reads end). */
export interface ByteReader {
  read(): Promise<{ done: true, value?: Uint8Array } | { done: false, value: Uint8Array }>
  cancel(reason?: unknown): Promise<void>
}

/** What a pushed body reports: every piece as it arrives, then exactly one of `end` or `error`. */
export interface BodyHandlers {
  data(bytes: Uint8Array): void
  end(): void
  error(error: unknown): void
}

/**
 * The body pushed to the reader (the engine's path, `ModelClient.consume`): each piece is handed
 * over in the callback it arrived in, with no promise per piece. `cancel` releases the upstream.
 */
export interface BodySource {
  start(handlers: BodyHandlers): void
  cancel(reason?: unknown): Promise<void>
}

/** The response as the client reads it. */
export interface UpstreamResponse {
  status: number
  ok: boolean
  headers: { get(name: string): string | null }
  /**
   * The body as text (for error excerpts), at most its first `maxBytes` (a character cut there
   * becomes U+FFFD); a longer body is not read further and the request is released.
   */
  text(maxBytes: number): Promise<string>
  /** A reader of the body; null when the response has none. */
  reader(): ByteReader | null
  /** The body as a pushed source (read it this way or with `reader`, not both); null when there is none. */
  source(): BodySource | null
}

/** Sends the request with `fetchImpl`; an abort rejects at once even if `fetchImpl` ignores the signal. */
export async function fetchTransport(fetchImpl: FetchLike, url: string, request: TransportRequest): Promise<UpstreamResponse> {
  const response = await raceAbort(fetchImpl(url, { ...request }), request.signal)
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    text: maxBytes => response.body ? readText(response.body.getReader(), maxBytes) : Promise.resolve(''),
    reader: () => response.body?.getReader() ?? null,
    source: () => (response.body ? pumpedSource(response.body.getReader()) : null),
  }
}

/** The first `maxBytes` of a web stream as text; the rest is cancelled, never read. */
async function readText(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<string> {
  const parts: Uint8Array[] = []
  let size = 0
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
      size += value.length
    }
  }
  finally {
    reader.cancel().catch(() => {})
  }
  return Buffer.concat(parts, Math.min(size, maxBytes)).toString('utf8')
}

/** A web stream reader as a pushed source: reads in a loop until the body ends or is cancelled. */
export function pumpedSource(reader: ReadableStreamDefaultReader<Uint8Array>): BodySource {
  return {
    start(handlers) {
      void (async () => {
        try {
          for (;;) {
            const result = await reader.read()
            if (result.done) break
            handlers.data(result.value)
          }
        }
        catch (error) {
          handlers.error(error)
          return
        }
        handlers.end()
      })()
    },
    cancel: reason => reader.cancel(reason),
  }
}
