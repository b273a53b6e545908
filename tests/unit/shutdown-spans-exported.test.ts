/**
 * The job spans of a shutdown reach the app's tracing backend. On SIGTERM the layer disposes the
 * engine at once (background-jobs-shutdown.ts); with no connection open, Nitro runs the `close`
 * hooks at once too — the app's first (app plugins run before the layer's). observability.md's
 * plugin shut its tracer provider down there, while the jobs were still being ended: the span of
 * every job the deploy ended (`failed`, `shutdown`) came after and was dropped — the trace never
 * said how those jobs ended. Awaiting the engine's dispose first did not help either: a second
 * `dispose()` resolved at once, before the first had ended anything. Now a second call settles
 * with the first, and the documented hook awaits it before shutting the provider down.
 */
import { readFileSync } from 'node:fs'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import { afterEach, describe, expect, it } from 'vitest'
import { setBackgroundJobsEngine, useBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import type { JobRunners } from '../../server/lib/engine-types'

/** A collector that keeps what it got (the SDK's in-memory exporter forgets it at shutdown). */
function collector(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = []
  return { spans, export: (batch, done) => void (spans.push(...batch), done({ code: 0 })), shutdown: async () => {} }
}

/** Runners that leave a job running until it is aborted. */
const untilAborted = ({ signal }: { signal: AbortSignal }) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
const idleRunners: JobRunners = { chat: untilAborted, workflow: untilAborted }

afterEach(() => {
  setBackgroundJobsEngine(null)
  trace.disable()
  context.disable()
})

describe('spans of the jobs a shutdown ends', () => {
  it('a second dispose() settles only once the first has finished', async () => {
    const { engine } = createTestEngine({ runners: idleRunners })
    await engine.createJob('u1', { request: chatRequest })
    const first = engine.dispose()
    let firstDone = false
    void first.then(() => { firstDone = true })
    await engine.dispose()
    expect({ firstDone, runs: engine.stats().runs }).toEqual({ firstDone: true, runs: 0 })
  })

  it('are exported by the close hook observability.md shows, also when it runs while the engine shuts down', async () => {
    const exporter = collector()
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] })
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
    trace.setGlobalTracerProvider(provider)
    const { engine } = createTestEngine({ runners: idleRunners })
    setBackgroundJobsEngine({ get: async () => engine })
    await engine.createJob('u1', { request: chatRequest })

    // The plugin's close hook (observability.md; `useBackgroundJobsEngine` is auto-imported in an app).
    const closeHook = async () => {
      await useBackgroundJobsEngine().then(engine => engine.dispose(), () => {})
      await provider.shutdown()
    }

    // SIGTERM: the layer's listener disposes; Nitro, with no connection open, runs the close hooks right after.
    const disposing = Promise.resolve().then(() => engine.dispose())
    await Promise.resolve()
    await closeHook()
    await disposing
    expect(exporter.spans.map(span => [span.name, span.status.message])).toEqual([['background_jobs.job', 'shutdown']])

    // … as the docs write it.
    const docs = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
    const hook = /nitroApp\.hooks\.hook\('close', async \(\) => \{\n([\s\S]*?)\n {2}\}\)/.exec(docs)?.[1] ?? ''
    expect(hook).toMatch(/await useBackgroundJobsEngine\(\)\.then\(engine => engine\.dispose\(\), \(\) => \{\}\)[\s\S]*await provider\.shutdown\(\)/)
  })
})
