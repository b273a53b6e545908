/**
 * The names the layer's spans, span events and attributes use (docs/observability.md lists them).
 * Generic OpenTelemetry conventions where one fits (`gen_ai.*`, `error.type`, `user.id`), the
 * `background_jobs.` namespace for the rest.
 */

/** The instrumentation scope (`trace.getTracer(TRACER_NAME)`). */
export const TRACER_NAME = 'nuxt-background-jobs'

/** Span names. */
export const SPAN = {
  /** One run of a job on one instance, from creation (or takeover) to its end. */
  job: 'background_jobs.job',
  /** One model round: the request upstream and its streamed answer. */
  modelRound: 'background_jobs.model_round',
  /** One tool call, approval wait included. */
  toolCall: 'background_jobs.tool_call',
  /** One workflow node. */
  workflowNode: 'background_jobs.workflow_node',
} as const

/** Span events on the job span (and `toolProgress` on a tool call's). */
export const SPAN_EVENT = {
  inputRequested: 'background_jobs.input.requested',
  inputAnswered: 'background_jobs.input.answered',
  inputExpired: 'background_jobs.input.expired',
  /**
   * A pending request no answer will come for: voided because its run was taken over
   * (`system:owner-lost`), or withdrawn because its node stopped (`system:cancelled`).
   */
  inputCancelled: 'background_jobs.input.cancelled',
  /** This run took the job over from a lost owner. */
  takeover: 'background_jobs.takeover',
  /** The run was aborted: by the user, the job time limit, an input expiry or shutdown. */
  abort: 'background_jobs.abort',
  /** The run stopped because another instance owns the job now. */
  handoff: 'background_jobs.handoff',
  /** On a `tool_call` span: an update of its progress was stored (bounded: tool-progress-spans.ts). */
  toolProgress: 'background_jobs.tool.progress',
} as const

/** Attribute keys. */
export const ATTR = {
  jobId: 'background_jobs.job.id',
  jobType: 'background_jobs.job.type',
  jobModel: 'background_jobs.job.model',
  jobModels: 'background_jobs.job.models',
  /** The `X-Request-Id` of the request that created the job, on every run's span (a takeover's too). */
  jobRequestId: 'background_jobs.job.request_id',
  jobStatus: 'background_jobs.job.status',
  workflowName: 'background_jobs.workflow.name',
  errorCode: 'background_jobs.error.code',
  errorDuring: 'background_jobs.error.failed_during',
  errorType: 'error.type',
  /** The model endpoint's HTTP status of an `upstream-http` or `upstream-rate-limited` failure. */
  httpStatus: 'http.response.status_code',
  userId: 'user.id',
  instanceId: 'background_jobs.instance.id',
  epoch: 'background_jobs.run.epoch',
  resumed: 'background_jobs.run.resumed',
  runOutcome: 'background_jobs.run.outcome',
  fromSeq: 'background_jobs.run.from_seq',
  link: 'background_jobs.link',
  firstTokenMs: 'background_jobs.time_to_first_token_ms',
  rounds: 'background_jobs.rounds',
  toolCalls: 'background_jobs.tool_calls',
  toolTimeMs: 'background_jobs.tool_execution_time_ms',
  /** A workflow's node visits started, the whole job's across takeovers (job-run.ts metricsSoFar). */
  nodesExecuted: 'background_jobs.nodes_executed',
  tokensInput: 'background_jobs.tokens.input',
  tokensOutput: 'background_jobs.tokens.output',
  tokensTotal: 'background_jobs.tokens.total',
  round: 'background_jobs.round',
  toolsOffered: 'background_jobs.tools_offered',
  operation: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolStatus: 'background_jobs.tool.status',
  toolDurationMs: 'background_jobs.tool.duration_ms',
  toolTimedOut: 'background_jobs.tool.timed_out',
  toolDenied: 'background_jobs.tool.denied',
  /** The tool threw a `ToolError` (its deliberate "cannot do that"): the span is no error. */
  toolRefused: 'background_jobs.tool.refused',
  toolIsolated: 'background_jobs.tool.isolated',
  /** A progress event's fraction (0..1), when the tool gave one. */
  toolProgressFraction: 'background_jobs.tool.progress.fraction',
  /** How many progress updates a call stored (its span's events are the first ones and the last). */
  toolProgressUpdates: 'background_jobs.tool.progress_updates',
  nodeId: 'background_jobs.node.id',
  nodeKind: 'background_jobs.node.kind',
  nodeVisit: 'background_jobs.node.visit',
  nodeStatus: 'background_jobs.node.status',
  aborted: 'background_jobs.aborted',
  abortCode: 'background_jobs.abort.code',
  reason: 'background_jobs.reason',
  inputRequestId: 'background_jobs.input.request_id',
  inputKind: 'background_jobs.input.kind',
  inputOnTimeout: 'background_jobs.input.on_timeout',
  inputTimeoutMs: 'background_jobs.input.timeout_ms',
  inputWaitMs: 'background_jobs.input.wait_ms',
  inputAnsweredBy: 'background_jobs.input.answered_by',
  /** Content (only with `telemetry.recordContent`): what went in (prompt, arguments, input prompt). */
  contentInput: 'background_jobs.content.input',
  /** Content (only with `telemetry.recordContent`): what came out (answer, result, input answer). */
  contentOutput: 'background_jobs.content.output',
  /** Content (only with `telemetry.recordContent`): an error's message. */
  errorMessage: 'background_jobs.error.message',
} as const
