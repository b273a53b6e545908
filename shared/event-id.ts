/**
 * The SSE `id:` of a job's stream frames, and the resume position a client sends back
 * (`Last-Event-ID` or `?after=`). While the first owner runs a job (lease epoch 1, and always on
 * the memory provider) the id is just `<seq>`; after another instance took the job over it is
 * `<epoch>:<seq>`, so a position from an owner that died before storing everything is recognised
 * and answered with a snapshot instead of events that would not fit the viewer's text.
 * Shared by the server (frames, catch-up) and the client (the stream follower).
 */

/** Where a viewer is: the seq of the last event it has, and the lease epoch that event came from. */
export interface StreamPosition {
  epoch: number
  seq: number
}

/** The id of a frame for the event (or snapshot) at `seq`, written in `epoch`. */
export function formatEventId(seq: number, epoch: number = 1): string {
  return epoch > 1 ? `${epoch}:${seq}` : String(seq)
}

/** Parses `<seq>` or `<epoch>:<seq>` (non-negative integers); anything else is null. */
export function parseEventId(value: unknown): StreamPosition | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const match = /^(?:(\d{1,9}):)?(\d{1,15})$/.exec(String(value).trim())
  if (!match) return null
  const epoch = match[1] === undefined ? 1 : Number(match[1])
  return epoch >= 1 ? { epoch, seq: Number(match[2]) } : null
}
