/**
 * The SSE frames the baselines write: the least a resumable text stream needs (an `id:` to
 * resume from, the text as a JSON string so a newline cannot break the framing), plus a
 * snapshot on connect and a `job-end` at the end, which the viewers use to know where they are.
 */

/** A text frame: `id: <seq>` and the text as one JSON string (an unnamed `message` event). */
export function textFrame(seq: number, text: string): string {
  return `id: ${seq}\ndata: ${JSON.stringify(text)}\n\n`
}

/** A minimal snapshot frame (the baselines have no state to send). */
export function snapshotFrame(jobId: string): string {
  return `id: 0\nevent: snapshot\ndata: ${JSON.stringify({ id: jobId, status: 'running', content: '', seq: 0 })}\n\n`
}

/** The last frame of a stream. */
export function jobEndFrame(seq: number): string {
  return `id: ${seq}\nevent: job-end\ndata: ${JSON.stringify({ type: 'job-end', status: 'completed', seq, at: Date.now() })}\n\n`
}

/** The response headers every server here sends for a stream. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'connection': 'keep-alive',
}
