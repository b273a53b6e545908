/**
 * A user of the API: a cookie jar (the anonymous user id), JSON calls and an SSE reader that
 * parses frames with eventsource-parser, so tests see exactly what a browser would.
 */
import { createParser } from 'eventsource-parser'
import type { StreamPosition } from '../../shared/event-id'
import { parseEventId } from '../../shared/event-id'
import { decodeStreamEvent } from '../../shared/stream-wire'

/** One received SSE frame. */
export interface ReceivedFrame {
  id: string | undefined
  event: string
  data: any
}

/**
 * A frame shows text of the job: a text delta, or a snapshot already holding some. Wait with this,
 * not for a text delta, when the upstream pauses after a few pieces: a viewer that connects after
 * the job stored them (its start and the viewer's request race) gets them all in its snapshot and
 * no text delta until the pause ends.
 */
export function showsText(frame: ReceivedFrame): boolean {
  return frame.event === 'text-delta' || (frame.event === 'snapshot' && frame.data.content.length > 0)
}

/**
 * The id of the question a frame asks: an input request, or the first pending input of a snapshot
 * (a viewer that connects after the job asked gets the question in its snapshot, not as an event).
 */
export function askedIn(frame: ReceivedFrame): string | undefined {
  if (frame.event === 'input-request') return frame.data.requestId
  return frame.event === 'snapshot' ? frame.data.pendingInputs[0]?.requestId : undefined
}

/** An open SSE stream. */
export interface OpenStream {
  status: number
  headers: Headers
  frames: ReceivedFrame[]
  /**
   * Resolves when a frame matches; rejects when the stream ended first, or at once when the answer
   * is no event stream (its status and body in the message: a 503 is never mistaken for a stream
   * that was cut before any frame).
   */
  waitFor: (predicate: (frame: ReceivedFrame) => boolean) => Promise<ReceivedFrame>
  /** Resolves when the server closed the stream. */
  ended: Promise<void>
  close: () => void
}

/**
 * A frame's data as a client reads it: JSON, with a compact delta (`[offset, text]`, seq from
 * the id) turned back into its event, as the app does (shared/stream-wire.ts). Its `at` is 0
 * here (the app uses the time it received it), so two reads of one stream compare equal.
 */
export function frameData(event: string | undefined, id: string | undefined, data: string): any {
  const parsed: unknown = JSON.parse(data)
  return Array.isArray(parsed) ? decodeStreamEvent(event ?? 'message', id, parsed, 0) : parsed
}

/** A cookie jar: the anonymous user id cookie. */
export interface CookieJar {
  cookie: string
}

/**
 * Creates a client with its own cookie jar (its own anonymous user), or with a given jar: the
 * same user on another server (instances sharing a provider and a cookie secret).
 */
export function createClient(baseUrl: string, jar: CookieJar = { cookie: '' }) {
  function remember(response: Response) {
    const set = response.headers.getSetCookie()
    for (const line of set) {
      const pair = line.split(';')[0]!
      if (pair.startsWith('bgjobs_uid=')) jar.cookie = pair
    }
  }
  async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(jar.cookie ? { cookie: jar.cookie } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    remember(response)
    const text = await response.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    }
    catch {
      json = text
    }
    return { status: response.status, headers: response.headers, body: json }
  }

  async function stream(path: string, headers: Record<string, string> = {}): Promise<OpenStream> {
    const controller = new AbortController()
    const response = await fetch(`${baseUrl}${path}`, { headers: { accept: 'text/event-stream', ...(jar.cookie ? { cookie: jar.cookie } : {}), ...headers }, signal: controller.signal })
    remember(response)
    const frames: ReceivedFrame[] = []
    const waiters: Array<{ predicate: (frame: ReceivedFrame) => boolean, resolve: (frame: ReceivedFrame) => void, reject: (error: Error) => void }> = []
    let done = false
    /** Set when the answer is not a 200 event stream: why no frame can ever come. */
    let refusal: string | null = null
    const parser = createParser({
      onEvent(message) {
        const frame = { id: message.id, event: message.event ?? 'message', data: frameData(message.event, message.id, message.data) }
        frames.push(frame)
        for (const waiter of [...waiters]) {
          if (waiter.predicate(frame)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.resolve(frame)
          }
        }
      },
    })
    const isEventStream = response.status === 200 && (response.headers.get('content-type') ?? '').includes('text/event-stream')
    const endedError = () => new Error(refusal ?? `stream ended before the awaited frame; got ${frames.map(frame => frame.event).join(',')}`)
    const ended = (async () => {
      try {
        if (!isEventStream) {
          // An error answer (JSON) or a 204: not fed to the SSE parser, where it would read as a stream without frames.
          const body = await response.text().catch(() => '')
          refusal = `no event stream: ${response.status}${body ? ` ${body.slice(0, 300)}` : ''}`
          return
        }
        if (!response.body) return
        const decoder = new TextDecoder()
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }))
      }
      catch {
        // closed by us
      }
      finally {
        done = true
        for (const waiter of waiters.splice(0)) waiter.reject(endedError())
      }
    })()
    return {
      status: response.status,
      headers: response.headers,
      frames,
      ended,
      close: () => controller.abort(),
      waitFor(predicate) {
        const found = frames.find(predicate)
        if (found) return Promise.resolve(found)
        if (done) return Promise.reject(endedError())
        return new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject }))
      },
    }
  }

  return {
    get: (path: string, headers?: Record<string, string>) => request('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => request('POST', path, body ?? {}, headers),
    delete: (path: string, headers?: Record<string, string>) => request('DELETE', path, undefined, headers),
    stream,
    /** The `cookie` header of this user (for other HTTP clients, e.g. the AI SDK's transport). */
    cookie: () => jar.cookie,
    jar,
    /** The same user on another server. */
    at: (url: string) => createClient(url, jar),
    /** Makes sure this client has its anonymous id. */
    async init() {
      await request('GET', '/api/jobs')
      return this
    },
  }
}

/** Concatenates the text a client rebuilt from frames: snapshot content, then text deltas. */
export function textFromFrames(frames: ReceivedFrame[]): string {
  let text = ''
  for (const frame of frames) {
    if (frame.event === 'snapshot') text = frame.data.content
    else if (frame.event === 'text-delta') text = text.slice(0, frame.data.offset) + frame.data.text
  }
  return text
}

/**
 * Rebuilds the text from frames received over one or several connections (a viewer that
 * reconnected with Last-Event-ID), strictly: no text delta may start past the end of the text (a
 * gap) or disagree with text already held where it overlaps (a stored batch merges deltas, and a
 * replay starting inside one sends it whole: docs/decisions/003), and no event may arrive twice;
 * a snapshot replaces the text.
 */
export function rebuildStrictly(frames: ReceivedFrame[]): { text: string, problems: string[] } {
  let text = ''
  let position: StreamPosition | null = null
  const problems: string[] = []
  for (const frame of frames) {
    const id = parseEventId(frame.id)
    if (!id) problems.push(`frame without a valid id: ${frame.event} ${frame.id}`)
    if (frame.event === 'snapshot') {
      text = frame.data.content
      position = id
      continue
    }
    if (id && position && id.epoch === position.epoch && id.seq <= position.seq) problems.push(`event ${frame.id} arrived again after ${position.epoch}:${position.seq}`)
    if (frame.event === 'text-delta') {
      const { offset, text: piece } = frame.data as { offset: number, text: string }
      const overlap = text.slice(offset)
      if (offset > text.length) problems.push(`text-delta ${frame.id} starts at ${offset}, past the end of the text (${text.length})`)
      else if (!piece.startsWith(overlap) && !overlap.startsWith(piece)) problems.push(`text-delta ${frame.id} disagrees with the text held from ${offset}`)
      else if (offset + piece.length > text.length) text = text.slice(0, offset) + piece
    }
    position = id ?? position
  }
  return { text, problems }
}

/** The Last-Event-ID to resume after the frames received so far (undefined before any). */
export function lastEventId(frames: ReceivedFrame[]): string | undefined {
  return frames.findLast(frame => frame.id !== undefined)?.id
}
