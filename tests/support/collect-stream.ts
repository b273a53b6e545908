/**
 * Streams one model round with a real client and collects what came out: every event, the
 * error it ended with (if any) and the text — so client tests assert on outcomes, not loops.
 */
import type { ModelClientOptions } from '../../server/lib/model/client'
import { createModelClient } from '../../server/lib/model/client'
import type { ModelEvent } from '../../server/lib/model/types'

/** Client options for tests: generous timeouts, fast retries. */
export const TEST_CLIENT_OPTIONS = { firstTokenTimeoutMs: 5_000, stallTimeoutMs: 5_000, maxRetries: 2, retryBaseDelayMs: 1 }

/** Runs one `Hi` request against `baseUrl` and collects events, error and text. */
export async function collectStream(options: Partial<ModelClientOptions> & { baseUrl: string }, signal = new AbortController().signal) {
  const client = createModelClient({ ...TEST_CLIENT_OPTIONS, ...options })
  const events: ModelEvent[] = []
  let error: unknown
  try {
    for await (const event of client.stream({ model: 'mock/model', messages: [{ role: 'user', content: 'Hi' }] }, signal)) events.push(event)
  }
  catch (caught) {
    error = caught
  }
  return { events, error, text: events.map(event => event.type === 'text-delta' ? event.text : '').join('') }
}
