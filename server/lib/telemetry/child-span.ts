/**
 * Child spans of a job's span: a span around some work, made the active span while the work runs
 * (so spans of the app's own instrumentation — an HTTP client in a tool, the upstream request —
 * nest under it). When the active span is not recording (no SDK, tracing off, not sampled) the
 * work runs as it is, with nothing allocated.
 */
import type { Attributes, Span } from '@opentelemetry/api'
import { context, trace } from '@opentelemetry/api'
import { TRACER_NAME } from './names'

/** What to record when the work ends. Hooks never throw into the job. */
export interface ChildSpanHooks<T> {
  onResult?: (span: Span, result: T) => void
  onError?: (span: Span, error: unknown) => void
}

/** True when spans started now would be recorded (a recording span is active). */
export function isTracing(): boolean {
  return trace.getSpan(context.active())?.isRecording() === true
}

/** Runs a hook; a throwing hook is a telemetry bug, never a job failure. */
export function safely(hook: () => void): void {
  try {
    hook()
  }
  catch {
    // Telemetry must not change what a job does.
  }
}

/**
 * Runs `work` in a child span named `name` of the active span; `work` gets the span (undefined
 * when nothing is recorded, then `attributes` is never called).
 */
export function withChildSpan<T>(name: string, attributes: () => Attributes, work: (span: Span | undefined) => Promise<T>, hooks: ChildSpanHooks<T> = {}): Promise<T> {
  const parent = context.active()
  if (trace.getSpan(parent)?.isRecording() !== true) return work(undefined)
  // Made from the work's input (a tool's arguments, with content recording on): one that cannot
  // be read leaves the span without them, never the work undone.
  let initial: Attributes = {}
  safely(() => {
    initial = attributes()
  })
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { attributes: initial }, parent)
  return context.with(trace.setSpan(parent, span), () => work(span)).then(
    (result) => {
      if (hooks.onResult) safely(() => hooks.onResult!(span, result))
      span.end()
      return result
    },
    (error: unknown) => {
      if (hooks.onError) safely(() => hooks.onError!(span, error))
      span.end()
      throw error
    },
  )
}
