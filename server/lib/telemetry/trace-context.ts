/**
 * A span context stored with a job (`request.trace`), in W3C `traceparent` form, so a run that
 * resumes the job on another instance can link to the first run. Written and read here only; it
 * does not depend on which propagator the app registered.
 */
import type { SpanContext } from '@opentelemetry/api'
import { context, isSpanContextValid, trace } from '@opentelemetry/api'
import type { JobTraceContext } from '../providers/types'

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** `00-<trace id>-<span id>-<flags>`. */
export function toTraceContext(spanContext: SpanContext): JobTraceContext {
  const flags = (spanContext.traceFlags & 0xFF).toString(16).padStart(2, '0')
  return { traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}` }
}

/** The span context a stored value names, or null when it is missing or malformed. */
export function fromTraceContext(value: unknown): SpanContext | null {
  const traceparent = (value as { traceparent?: unknown } | null | undefined)?.traceparent
  if (typeof traceparent !== 'string') return null
  const match = TRACEPARENT.exec(traceparent)
  if (!match) return null
  const spanContext: SpanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16), isRemote: true }
  return isSpanContextValid(spanContext) ? spanContext : null
}

/**
 * Runs `work` with no span active (other async context kept): what it starts that outlives the
 * caller — a job's run, its lease heartbeat and time limit — must not become part of the trace
 * of the request that started it (a job's span is a root span, linked to that request).
 */
export function withoutActiveSpan<T>(work: () => T): T {
  return context.with(trace.deleteSpan(context.active()), work)
}
