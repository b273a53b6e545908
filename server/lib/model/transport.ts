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

/** The response as the client reads it. */
export interface UpstreamResponse {
  status: number
  ok: boolean
  headers: { get(name: string): string | null }
  /** The whole body as text (for error excerpts). */
  text(): Promise<string>
  /** A reader of the body; null when the response has none. */
  reader(): ByteReader | null
}

/** Sends the request with `fetchImpl`; an abort rejects at once even if `fetchImpl` ignores the signal. */
export async function fetchTransport(fetchImpl: FetchLike, url: string, request: TransportRequest): Promise<UpstreamResponse> {
  const response = await raceAbort(fetchImpl(url, { ...request }), request.signal)
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    text: () => response.text(),
    reader: () => response.body?.getReader() ?? null,
  }
}
