/**
 * The start of a model response's body, kept until an SSE event came: a successful answer that
 * holds none (a JSON answer, an HTML page, an empty body) is reported with it (parse-stream.ts).
 */
import { cutTextWith } from '../../../shared/cut-text'
import { describeErrorBody } from './error-body'
import { UpstreamProtocolError } from './errors'

/** Bytes kept of a body's start (enough for an HTML page's title or a JSON error). */
const HEAD_BYTES = 4096

/** The first `HEAD_BYTES` of a body, kept while no event came. */
export function createBodyHead() {
  const pieces: Buffer[] = []
  let size = 0
  return {
    keep(bytes: Uint8Array) {
      if (size >= HEAD_BYTES) return
      const piece = Buffer.from(bytes.subarray(0, HEAD_BYTES - size))
      pieces.push(piece)
      size += piece.length
    },
    text: () => Buffer.concat(pieces, size).toString('utf8'),
  }
}

/** The error for a successful answer that held no SSE event at all. */
export function notAnEventStream(head: string): UpstreamProtocolError {
  const gist = cutTextWith(describeErrorBody(head), 200, '…')
  const what = gist ? `it sent: ${gist}` : 'the body was empty'
  return new UpstreamProtocolError(`The model endpoint answered without an event stream (no \`data:\` event; ${what}). Is upstream.baseUrl an OpenAI-compatible endpoint that streams chat completions?`)
}
