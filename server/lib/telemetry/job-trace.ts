/**
 * The span of one run of a job (`background_jobs.job`). The first run starts it when the job is
 * created: it links to the request that created the job (the active span then), and its span
 * context is stored with the job (`request.trace`). A run that takes the job over on another
 * instance starts a new job span linked to the first run. The runner runs with the job span
 * active, so model rounds, tool calls and workflow nodes become its children. Waits, aborts,
 * takeovers and hand-offs are span events. Without a recording SDK every method is a no-op.
 */
import type { Attributes, Link, Span } from '@opentelemetry/api'
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { JobError, JobEvent, JobMetrics } from '../../../shared/events'
import { emptyMetrics } from '../../../shared/events'
import type { BackgroundJobsConfig } from '../config'
import { creatingRequestIdOf } from '../creating-request-id'
import type { RunOutcome } from '../job-run'
import type { JobLease, JobRecord, JobTraceContext } from '../providers/types'
import { upstreamStatusOf } from '../upstream-status'
import type { TelemetrySettings } from './content'
import { contentValue, errorContentValue, withContent } from './content'
import { safely } from './child-span'
import { ATTR, SPAN, SPAN_EVENT, TRACER_NAME } from './names'
import { ToolProgressSpans, withToolProgressSpans } from './tool-progress-spans'
import { fromTraceContext, toTraceContext } from './trace-context'

/** The models a job's rounds called (`modelFields`): the last one, and every one when several. */
export interface EndModels { model?: string, models?: string[] }

/** The job a trace is for: the record's fields known before it is stored. */
export type TracedJob = Pick<JobRecord, 'id' | 'userId' | 'type' | 'request'> & { lease?: JobLease | null }

/** How the run started. */
export interface JobTraceStart {
  /** The run resumes a job another instance started (takeover). */
  resume?: { fromSeq: number, lease: JobLease }
  /** Span start time (epoch ms). @default now */
  startTime?: number
  /** The creating request's `traceparent` header, linked when no span is active. */
  traceparent?: string | null
}

/** The trace of one run. */
export interface JobTrace {
  readonly recording: boolean
  /** The first run's span context, to store with the job; undefined when not recorded or resumed. */
  readonly stored: JobTraceContext | undefined
  /**
   * The trace id of this run's job span (32 hex digits) when it is recorded: the `job created`,
   * `resuming …` and `job ended` lines carry it as `traceId`, so a log search leads to the trace.
   */
  readonly traceId: string | undefined
  /**
   * Runs the runner with the job span active (and never under the creating request's span);
   * `defaultModel` is the model a chat job uses when its request names none.
   */
  run<T>(defaultModel: string, work: () => Promise<T>): Promise<T>
  /** Turns committed events into span events (input waits). */
  observe(event: JobEvent): void
  /** The run is being aborted (user, job time limit, input expiry, shutdown). */
  abort(code: string): void
  /**
   * The job ended: status, error, totals and (with `recordContent`) its content; ends the span.
   * `endedAt`: the time of its `job-end` (a question due after it did not expire). `models`: the
   * models its rounds called, as its `job ended` line names them (job-end-log.ts `modelFields`).
   */
  end(outcome: RunOutcome, metrics: JobMetrics, content: string, endedAt?: number, models?: EndModels): void
  /** Another instance owns the job now: ends the span without an end of the job. */
  abandon(reason: string): void
}

const NOOP_TRACE: JobTrace = {
  recording: false,
  stored: undefined,
  traceId: undefined,
  run: (_model, work) => context.with(trace.deleteSpan(context.active()), work),
  observe() {},
  abort() {},
  end() {},
  abandon() {},
}

/**
 * The job's request as stored: null in a record damaged in the store, whose end recovery traces
 * all the same (`invalid-request`): its span says what it can, without it.
 */
function requestOf(job: TracedJob): JobRecord['request'] | null {
  return job.request as JobRecord['request'] | null
}

function jobInput(job: TracedJob): unknown {
  const request = requestOf(job)
  if (request?.type === 'workflow') return request.input
  return request?.messages.findLast(message => message.role === 'user')?.content
}

function startAttributes(job: TracedJob, config: BackgroundJobsConfig, start: JobTraceStart): Attributes {
  const settings = config.telemetry
  const lease = start.resume?.lease ?? job.lease
  const attributes: Attributes = { [ATTR.jobId]: job.id, [ATTR.jobType]: job.type }
  const request = requestOf(job)
  if (request?.type === 'chat' && request.model) attributes[ATTR.jobModel] = request.model
  if (request?.type === 'workflow') attributes[ATTR.workflowName] = request.workflow
  const requestId = creatingRequestIdOf(job.request)
  if (requestId !== undefined) attributes[ATTR.jobRequestId] = requestId
  if (settings.recordUserId) attributes[ATTR.userId] = job.userId
  if (lease) {
    attributes[ATTR.instanceId] = lease.instanceId
    attributes[ATTR.epoch] = lease.epoch
  }
  attributes[ATTR.resumed] = Boolean(start.resume)
  return withContent(attributes, settings, ATTR.contentInput, jobInput(job))
}

function links(job: TracedJob, start: JobTraceStart): Link[] {
  if (start.resume) {
    const firstRun = fromTraceContext(requestOf(job)?.trace)
    return firstRun ? [{ context: firstRun, attributes: { [ATTR.link]: 'first-run' } }] : []
  }
  const active = trace.getSpanContext(context.active())
  // The active span (the app traces requests), else the trace context the request carried.
  const request = active && trace.isSpanContextValid(active) ? active : fromTraceContext({ traceparent: start.traceparent ?? undefined })
  return request ? [{ context: request, attributes: { [ATTR.link]: 'request' } }] : []
}

/** Starts the trace of a run; a no-op trace when tracing is off or nothing records it. */
export function startJobTrace(job: TracedJob, config: BackgroundJobsConfig, start: JobTraceStart = {}): JobTrace {
  if (!config.telemetry.enabled) return NOOP_TRACE
  const span = trace.getTracer(TRACER_NAME).startSpan(SPAN.job, {
    root: true,
    kind: SpanKind.INTERNAL,
    attributes: startAttributes(job, config, start),
    links: links(job, start),
    ...(start.startTime === undefined ? {} : { startTime: start.startTime }),
  })
  if (!span.isRecording()) return NOOP_TRACE
  if (start.resume) {
    span.addEvent(SPAN_EVENT.takeover, { [ATTR.epoch]: start.resume.lease.epoch, [ATTR.instanceId]: start.resume.lease.instanceId, [ATTR.fromSeq]: start.resume.fromSeq })
  }
  return createRecordingTrace(span, job, config.telemetry, start.resume ? undefined : toTraceContext(span.spanContext()))
}

function createRecordingTrace(span: Span, job: TracedJob, settings: TelemetrySettings, stored: JobTraceContext | undefined): JobTrace {
  /**
   * When each open input request was asked, on `performance.now()`'s clock (its wait is elapsed
   * time: a wall-clock step while it waits changes nothing), and when it expires.
   */
  const asked = new Map<string, { monotonicAt: number, expiresAt: number }>()
  /** The running tool calls' spans, for their progress events. */
  const toolSpans = new ToolProgressSpans(settings)
  let ended = false

  function observe(event: JobEvent) {
    if (ended) return
    if (event.type === 'input-request') {
      // Observed as it is committed: now is when it was asked.
      asked.set(event.requestId, { monotonicAt: performance.now(), expiresAt: event.expiresAt })
      const attributes: Attributes = {
        [ATTR.inputRequestId]: event.requestId,
        [ATTR.inputKind]: event.kind,
        [ATTR.inputOnTimeout]: event.onTimeout,
        [ATTR.inputTimeoutMs]: event.expiresAt - event.at,
      }
      if (event.nodeId) attributes[ATTR.nodeId] = event.nodeId
      if (event.toolCallId) attributes[ATTR.toolCallId] = event.toolCallId
      if (event.tool) attributes[ATTR.toolName] = event.tool
      span.addEvent(SPAN_EVENT.inputRequested, withContent(attributes, settings, ATTR.contentInput, event.prompt), event.at)
    }
    else if (event.type === 'input-response') {
      const askedAt = asked.get(event.requestId)?.monotonicAt
      asked.delete(event.requestId)
      const by = event.answeredBy ?? ''
      const name = by === 'timeout' ? SPAN_EVENT.inputExpired : by.startsWith('system:') ? SPAN_EVENT.inputCancelled : SPAN_EVENT.inputAnswered
      const attributes: Attributes = { [ATTR.inputRequestId]: event.requestId }
      if (askedAt !== undefined) attributes[ATTR.inputWaitMs] = Math.round(performance.now() - askedAt)
      // Who answered is a user id: only when user ids are recorded.
      if (name !== SPAN_EVENT.inputAnswered || settings.recordUserId) attributes[ATTR.inputAnsweredBy] = by
      if (event.nodeId) attributes[ATTR.nodeId] = event.nodeId
      span.addEvent(name, withContent(attributes, settings, ATTR.contentOutput, event.answer), event.at)
    }
    else if (event.type === 'tool-progress') toolSpans.observe(event)
  }

  function finish() {
    ended = true
    asked.clear()
    toolSpans.clear()
    span.end()
  }

  return {
    recording: true,
    stored,
    traceId: span.spanContext().traceId,
    run(defaultModel, work) {
      if (job.request.type === 'chat' && !job.request.model) span.setAttribute(ATTR.jobModel, defaultModel)
      return context.with(withToolProgressSpans(trace.setSpan(context.active(), span), toolSpans), work)
    },
    observe: event => safely(() => observe(event)),
    abort(code) {
      if (!ended) safely(() => span.addEvent(SPAN_EVENT.abort, { [ATTR.abortCode]: code }))
    },
    end(outcome, metrics, content, endedAt = Number.POSITIVE_INFINITY, models = {}) {
      if (ended) return
      safely(() => {
        const error = outcome.error
        // A request that expired with onTimeout abort/fail ends the job without an input-response;
        // another question still open then, its own expiry later, did not expire.
        if (error?.code === 'input-timeout') {
          for (const [requestId, request] of asked) {
            if (request.expiresAt <= endedAt) span.addEvent(SPAN_EVENT.inputExpired, { [ATTR.inputRequestId]: requestId })
          }
        }
        span.setAttributes(endAttributes(outcome, metrics))
        // What its rounds ran on, as its `job ended` line says: the start's `.job.model` is only
        // the chat's first ask, which a hook, a request or a workflow's agent nodes may change.
        if (models.model !== undefined) span.setAttribute(ATTR.jobModel, models.model)
        if (models.models) span.setAttribute(ATTR.jobModels, models.models)
        const answer = contentValue(settings, content)
        if (answer) span.setAttribute(ATTR.contentOutput, answer)
        if (error && outcome.status === 'failed') {
          const message = errorContentValue(settings, error.message)
          if (message !== undefined) span.setAttribute(ATTR.errorMessage, message)
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.code })
        }
      })
      finish()
    },
    abandon(reason) {
      if (ended) return
      safely(() => {
        span.addEvent(SPAN_EVENT.handoff, { [ATTR.reason]: reason })
        span.setAttribute(ATTR.runOutcome, 'handed-off')
      })
      finish()
    },
  }
}

function endAttributes(outcome: RunOutcome, metrics: JobMetrics): Attributes {
  const attributes: Attributes = {
    [ATTR.jobStatus]: outcome.status,
    [ATTR.runOutcome]: 'ended',
    [ATTR.rounds]: metrics.total_rounds,
    [ATTR.toolCalls]: metrics.tool_call_count,
    [ATTR.toolTimeMs]: metrics.tool_execution_time_ms,
    [ATTR.tokensInput]: metrics.tokens.prompt,
    [ATTR.tokensOutput]: metrics.tokens.completion,
    [ATTR.tokensTotal]: metrics.tokens.total,
  }
  if (metrics.first_token_ms !== null) attributes[ATTR.firstTokenMs] = metrics.first_token_ms
  if (metrics.nodes_executed !== undefined) attributes[ATTR.nodesExecuted] = metrics.nodes_executed
  if (outcome.error) {
    attributes[ATTR.errorCode] = outcome.error.code
    attributes[ATTR.errorType] = outcome.error.code
    if (outcome.error.failedDuring) attributes[ATTR.errorDuring] = outcome.error.failedDuring
    if (outcome.error.toolName) attributes[ATTR.toolName] = outcome.error.toolName
    if (outcome.error.nodeId) attributes[ATTR.nodeId] = outcome.error.nodeId
    const httpStatus = upstreamStatusOf(outcome.error)
    if (httpStatus !== undefined) attributes[ATTR.httpStatus] = httpStatus
  }
  return attributes
}

/**
 * A job a lost owner left behind that this instance ended without running it (a chat ended
 * `owner-lost`, a stored request no longer valid; or `completed`: its final round was stored): a
 * short job span linked to the first run, with the takeover event, ended as the job was, with the
 * totals its stored end holds (`metrics`: the rounds, calls and tokens the lost owner stored) and
 * the models its stored rounds named (`models`).
 * Its trace id when recorded: the `job ended` line of that end carries it.
 */
export function traceRecoveredEnd(record: JobRecord, lease: JobLease, config: BackgroundJobsConfig, now: number, error: JobError | undefined, status: 'completed' | 'failed' | 'aborted' = 'failed', metrics: JobMetrics = emptyMetrics(), models: EndModels = {}): string | undefined {
  const ended = startJobTrace(record, config, { resume: { fromSeq: record.lastSeq, lease }, startTime: now })
  ended.end({ status, ...(error ? { error } : {}) }, metrics, '', undefined, models)
  return ended.traceId
}
