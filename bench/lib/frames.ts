/**
 * SSE frames shaped like the engine's (same field order, same JSON), so the baselines write the
 * same bytes per event as the layer does.
 */

/** A `text-delta` frame as the engine formats it. */
export function textDeltaFrame(seq: number, offset: number, text: string): string {
  const data = { type: 'text-delta', offset, text, seq, at: Date.now() }
  return `id: ${seq}\nevent: text-delta\ndata: ${JSON.stringify(data)}\n\n`
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
