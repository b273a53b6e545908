/**
 * The sinks the streaming routes made, in order, for tests that write through them: mock the sink
 * modules with these factories, imported inside the mock (it is hoisted above the imports):
 * `vi.mock('../../server/lib/http/sse-sink', async importOriginal => (await import('../support/recorded-sinks')).recordSseSinks(importOriginal))`.
 */
import type { SseSink } from '../../server/lib/http/sse-sink'
import type { UiStreamSink } from '../../server/lib/http/ui-stream-sink'

/** The sinks made since the last `madeSinks.length = 0`. */
export const madeSinks: Array<SseSink | UiStreamSink> = []

/** The sse-sink module, its `createSseSink` recording each sink it makes. */
export async function recordSseSinks(importOriginal: () => Promise<unknown>) {
  const actual = await importOriginal() as typeof import('../../server/lib/http/sse-sink')
  return { ...actual, createSseSink: (...args: Parameters<typeof actual.createSseSink>) => {
    const sink = actual.createSseSink(...args)
    madeSinks.push(sink)
    return sink
  } }
}

/** The ui-stream-sink module, its `createUiStreamSink` recording each sink it makes. */
export async function recordUiStreamSinks(importOriginal: () => Promise<unknown>) {
  const actual = await importOriginal() as typeof import('../../server/lib/http/ui-stream-sink')
  return { ...actual, createUiStreamSink: (...args: Parameters<typeof actual.createUiStreamSink>) => {
    const sink = actual.createUiStreamSink(...args)
    madeSinks.push(sink)
    return sink
  } }
}
