/**
 * A tool's progress on its call's span (docs/observability.md): each stored `tool-progress` update
 * is a `background_jobs.tool.progress` event on the `background_jobs.tool_call` span, so a trace
 * shows how far a slow call got and when. Bounded: a call stores up to four updates a second for
 * as long as it runs, and a span is no log (an SDK drops events past its own limit, 128 by
 * default, silently losing the ones that matter most: the last). A call's span gets its first
 * `MAX_PROGRESS_SPAN_EVENTS - 1` updates as they are stored and its last one when it ends, and
 * counts them all (`background_jobs.tool.progress_updates`).
 *
 * The job trace keeps one registry per run (a value of the run's context, `withToolProgressSpans`);
 * a tool call's span is in it while the call runs (`openToolProgressSpan`), and the job trace hands
 * it the run's committed progress events (`observe`), which the batch clock commits outside the
 * call's context.
 */
import type { Attributes, Context, Span } from '@opentelemetry/api'
import { context, createContextKey } from '@opentelemetry/api'
import type { JobEvent, ToolProgressPayload } from '../../../shared/events'
import type { TelemetrySettings } from './content'
import { withContent } from './content'
import { safely } from './child-span'
import { ATTR, SPAN_EVENT } from './names'

/** The most progress events one tool call's span gets: the first ones and the last. */
export const MAX_PROGRESS_SPAN_EVENTS = 16

type ProgressEvent = Extract<JobEvent, ToolProgressPayload>

/** A running call's span and what it was given. */
interface CallSpan {
  span: Span
  /** Updates stored for the call. */
  stored: number
  /** The latest update not written to the span (past the first ones), written when the call ends. */
  held: ProgressEvent | null
}

const REGISTRY_KEY = createContextKey('background_jobs.tool_progress_spans')

/** The spans of one run's running tool calls, by call id. */
export class ToolProgressSpans {
  private readonly calls = new Map<string, CallSpan>()

  constructor(private readonly settings: TelemetrySettings) {}

  /** Registers a running call's span; the returned function, at the call's end, writes what is held and lets it go. */
  open(id: string, span: Span): () => void {
    const call: CallSpan = { span, stored: 0, held: null }
    this.calls.set(id, call)
    return () => {
      if (this.calls.get(id) === call) this.calls.delete(id)
      if (call.stored === 0) return
      safely(() => {
        if (call.held) this.write(call.span, call.held)
        call.span.setAttribute(ATTR.toolProgressUpdates, call.stored)
      })
    }
  }

  /** A committed progress event of the run: on its call's span, while under the bound; else held. */
  observe(event: ProgressEvent): void {
    const call = this.calls.get(event.id)
    if (!call) return
    call.stored++
    if (call.stored < MAX_PROGRESS_SPAN_EVENTS) this.write(call.span, event)
    else call.held = event
  }

  /** Forgets every call (the run's span ended). */
  clear(): void {
    this.calls.clear()
  }

  private write(span: Span, event: ProgressEvent): void {
    const attributes: Attributes = {}
    if (event.fraction !== undefined) attributes[ATTR.toolProgressFraction] = event.fraction
    // The message is the tool's own text (it may name what it works on): content.
    span.addEvent(SPAN_EVENT.toolProgress, withContent(attributes, this.settings, ATTR.contentOutput, event.message), event.at)
  }
}

/** `parent` with the run's registry in it (the job trace runs the runner in it). */
export function withToolProgressSpans(parent: Context, spans: ToolProgressSpans): Context {
  return parent.setValue(REGISTRY_KEY, spans)
}

/**
 * Registers a tool call's span with the run the active context belongs to; returns what to call
 * when the call ended (nothing to call outside a traced run).
 */
export function openToolProgressSpan(id: string, span: Span): (() => void) | undefined {
  const spans = context.active().getValue(REGISTRY_KEY) as ToolProgressSpans | undefined
  return spans?.open(id, span)
}
