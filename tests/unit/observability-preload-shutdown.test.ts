/**
 * observability.md's second setup preloads the OpenTelemetry NodeSDK with `--import` and shut it
 * down on SIGTERM (`process.once('SIGTERM', () => void sdk.shutdown())`). The layer starts ending
 * the running jobs at the same SIGTERM, and a job's span ends only once its end is stored, later:
 * by then the SDK was shut down and dropped it — the trace of every job a deploy ended never said
 * how it ended (the plugin setup had the same fault, fixed earlier: shutdown-spans-exported.test.ts).
 * The docs now shut the SDK down from a `close` hook after the layer's shutdown.
 */
import { readFileSync } from 'node:fs'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import { afterEach, describe, expect, it } from 'vitest'
import { setBackgroundJobsEngine, useBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { chatRequest, createTestEngine } from '../support/engine-harness'

/** A collector that keeps what it got. */
function collector(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = []
  return { spans, export: (batch, done) => void (spans.push(...batch), done({ code: 0 })), shutdown: async () => {} }
}
const untilAborted = ({ signal }: { signal: AbortSignal }) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))

/** An SDK (its provider) and an engine with one running job. */
async function setup() {
  const exporter = collector()
  const sdk = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(sdk)
  const { engine } = createTestEngine({ runners: { chat: untilAborted, workflow: untilAborted } })
  setBackgroundJobsEngine({ get: async () => engine })
  await engine.createJob('u1', { request: chatRequest })
  return { exporter, sdk, engine }
}

afterEach(() => {
  setBackgroundJobsEngine(null)
  trace.disable()
  context.disable()
})

describe('the preloaded SDK at a deploy', () => {
  it('shut down at SIGTERM, drops the span of the job the shutdown ends', async () => {
    const { exporter, sdk, engine } = await setup()
    // SIGTERM: the preload's listener (registered first) and the layer's.
    await Promise.all([sdk.shutdown(), engine.dispose()])
    expect(exporter.spans).toEqual([])
  })

  it('shut down as the docs say, after the layer\'s shutdown, exports it', async () => {
    const { exporter, sdk, engine } = await setup()
    const docs = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
    const preload = /\/\/ otel\.mjs[\s\S]*?```/.exec(docs)?.[0] ?? ''
    expect(preload).toContain('sdk.start()')
    expect(preload, 'the preload shuts the SDK down on a signal').not.toMatch(/process\.(once|on)\('SIG[A-Z]+'[^\n]*shutdown/)
    expect(preload).toContain('globalThis.otelSdk = sdk')
    const hook = /\/\/ server\/plugins\/opentelemetry-shutdown\.ts[\s\S]*?```/.exec(docs)?.[0] ?? ''
    expect(hook).toMatch(/await useBackgroundJobsEngine\(\)\.then\(engine => engine\.dispose\(\), \(\) => \{\}\)\n\s*await \(globalThis as [^\n]*\)\.otelSdk\?\.shutdown\(\)/)

    // The layer disposes at SIGTERM; Nitro then runs the close hook as documented.
    const disposing = Promise.resolve().then(() => engine.dispose())
    ;(globalThis as { otelSdk?: { shutdown(): Promise<void> } }).otelSdk = sdk
    await Promise.resolve()
    await useBackgroundJobsEngine().then(engine => engine.dispose(), () => {})
    await (globalThis as { otelSdk?: { shutdown(): Promise<void> } }).otelSdk?.shutdown()
    delete (globalThis as { otelSdk?: unknown }).otelSdk
    await disposing
    expect(exporter.spans.map(span => [span.name, span.status.message])).toEqual([['background_jobs.job', 'shutdown']])
  })
})
