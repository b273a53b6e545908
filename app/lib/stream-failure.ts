/**
 * Why a job's stream keeps failing to open, in words fit to show the user. An EventSource reports
 * a refused stream (the stream cap's 429, a 5xx) as a bare `error` with no status or body, so once
 * the follower gave up (job-stream.ts) the stream URL is asked once with `fetch`: a refusal's own
 * message (`Too many open streams: …`), or "could not be reached". A stream that opens this time is
 * closed at once (its slot is released); it is reported as breaking as it opens.
 */
import { PROBE_TIMEOUT_MS } from './job-probe'

/** Asks `url` (a job's stream URL) once and says why streams from it fail. Never throws. */
export async function describeStreamFailure(url: string, request: typeof fetch = fetch): Promise<string> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS)
  try {
    const response = await request(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal })
    if (response.ok) {
      void response.body?.cancel().catch(() => {})
      return 'its stream broke each time it opened'
    }
    return `the server refused its stream (${response.status}): ${await refusalMessage(response)}`
  }
  catch {
    return 'the server could not be reached'
  }
  finally {
    clearTimeout(timer)
    controller.abort()
  }
}

/** The message of an error answer (h3's `{ statusCode, message }`), else its status text. */
async function refusalMessage(response: Response): Promise<string> {
  const fallback = response.statusText || 'no reason given'
  try {
    const body = JSON.parse(await response.text()) as { message?: unknown }
    return typeof body.message === 'string' && body.message ? body.message : fallback
  }
  catch {
    return fallback
  }
}
