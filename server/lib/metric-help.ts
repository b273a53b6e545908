/**
 * Every metric the layer exports, with its Prometheus `# HELP` text. Counters and histograms can
 * only be recorded under a name listed here (the registry's types say so), so every exported
 * metric has its help line. docs/metrics.md lists the same metrics and the histogram buckets.
 */
import type { EngineStats } from './engine-types'

/** Counters (monotonic, labels in braces). */
export const COUNTER_HELP = {
  events_committed_total: 'Events committed to job logs on this instance, by event type.',
  events_sent_total: 'SSE frames handed to viewers of GET /api/jobs/:id/stream (snapshots included; not frames dropped for a viewer that stopped reading; not the AI SDK\'s UI message streams), by event type.',
  viewers_attached_total: 'Job streams attached to their job (GET /api/jobs/:id/stream and the AI SDK\'s UI message streams; not the notification stream).',
  viewer_resyncs_total: 'Job-stream viewers that fell behind (their client stopped reading past stream.viewerQueueBytes, frames dropped) and were caught up again.',
  streams_cut_total: 'Job streams (stream="job", GET /api/jobs/:id/stream) and AI SDK chat streams (stream="ai-sdk") ended for their client\'s backpressure, by reason (fell-behind: it stopped reading past stream.viewerQueueBytes and the stream ended with frames missing instead of being caught up; stalled: it took nothing for a whole stream.heartbeatMs and was cut).',
  notification_streams_cut_total: 'Notification streams ended for their client\'s backpressure, by reason (fell-behind: it stopped reading past stream.viewerQueueBytes, notifications were dropped, and the stream ended once it drained, so the client reconnects and replays them; stalled: it took nothing for a whole stream.heartbeatMs and was cut).',
  jobs_started_total: 'Job runs started on this instance.',
  jobs_ended_total: 'Jobs that ended on this instance, by status (completed, failed, aborted).',
  jobs_refused_total: 'Job creations refused with a 429 by a limit, by reason (global-limit, user-limit, address-limit, rate).',
  requests_refused_total: 'Requests answered 429, by the limits setting that refused them (maxConcurrentJobs, maxConcurrentJobsPerUser, maxConcurrentAnonymousJobsPerAddress, createPerMinute, anonymousCreatePerMinute, inputPerMinute, deletePerMinute, renamePerMinute, maxStreamsPerUser, maxAnonymousStreamsPerAddress, maxStreams; refusedValueProblems: the per-minute budget of problems in refused workflow inputs and answers; other: a refusal forwarded from the job\'s owner on another instance whose reply named no setting, an older server during a rolling deploy).',
  job_errors_total: 'Jobs that failed, by error code (not aborts: see job_aborts_total).',
  job_aborts_total: 'Jobs that ended aborted, by code (aborted: by their user; input-timeout: a question\'s onTimeout abort). Not errors.',
  upstream_errors_total: 'Jobs that failed in the model request, by error code.',
  tool_runs_total: 'Tool calls that returned, by tool (unknown: a name that is not a registered tool) and result status (completed, error, timeout, denied; refused: the tool threw a ToolError, its deliberate "cannot do that", not a failure; stopped: the job\'s end cut the call off).',
  tool_timeouts_total: 'Tool calls that ran longer than their time limit.',
  cleanup_runs_total: 'Retention cleanup passes.',
  jobs_deleted_total: 'Finished jobs deleted: after retention (reason=retention), by their user (reason=user), or by the memory provider to make room past its 10,000 jobs, usually before their retention ran out (reason=evicted).',
  tool_stray_errors_total: 'Errors a tool\'s code raised outside its call (a throw in a callback, a promise left unhandled), caught and logged naming the tool and job, by tool and kind (uncaughtException, unhandledRejection).',
  workflow_stray_errors_total: 'Errors a workflow node\'s own code (its choose, prompt, instructions, args or value function) raised outside the node\'s run (a throw in a callback, a promise left unhandled), caught and logged naming the workflow, node and job, by workflow, node and kind (uncaughtException, unhandledRejection).',
  provider_calls_total: 'Calls to the shared job store (Redis, Convex), by operation (create, appendEvents, heartbeatLease, …).',
  provider_errors_total: 'Calls to the shared job store that failed (not refusals such as a limit), by operation and error class (RedisUnavailableError, ConvexCallError, …).',
  runs_handed_off_total: 'Job runs on this instance stopped without writing their end because another instance owns the job now, by cause (lease-lost: the lease lapsed, its heartbeats failing or late, or the store no longer has the job; write-refused / end-refused: the store refused its writes or its end; shutdown: handed off at shutdown, normal in a deploy).',
  lease_takeovers_total: 'Jobs this instance took over after their owner stopped renewing its lease, by job type (chat, workflow) and outcome (resumed: it runs here now; ended: ended here, e.g. a chat as owner-lost; already-ended).',
  isolated_calls_stopped_total: 'Isolated tool calls whose worker was stopped, by reason (signal: time limit or job abort; heap: over isolation.heapMb; exit: the worker died).',
  isolated_calls_not_run_total: 'Isolated tool calls that never ran because no worker took them, by reason (queue-full: refused at once, every place of isolation.maxQueue taken; yielded: a waiting call of the user holding the most gave its place in a full queue to another user\'s call; queue-timeout: no worker started it within isolation.queueTimeoutMs).',
  isolated_share_turns_total: 'Isolation workers given to a user holding fewer than isolation.maxWorkersPerUser ahead of an older waiting call of a user holding that many: the share per user at work (calls of the busiest users waiting for others).',
  isolated_leftover_blocks_total: 'Isolated calls (of any tool) that timed out while their worker ran an interval or timer an earlier call left running there, by the tool of that earlier call: the one to fix (the timed-out call counts under its own tool in tool_runs_total).',
  model_tokens_total: 'Tokens the model endpoint counted for the rounds run on this instance (failed rounds that reported their usage included), by kind (prompt, completion).',
  model_rounds_total: 'Model rounds (one request to the model endpoint, retries included) run on this instance, by the model asked (other: past 64 models) and outcome (completed; aborted; http-<status>: the endpoint answered that HTTP status; else the error code, e.g. upstream-timeout, upstream-network).',
  model_retries_total: 'Model requests sent again after a retryable failure before the first token, by reason (http-429, http-5xx, network, other: a retryable error chunk with no status, such as overloaded_error).',
  subscription_failures_total: 'Live-tail subscriptions to the shared store (a job\'s events or controls, a control reply, a user\'s jobs) whose read or query failed or whose listener threw, by provider (redis, convex).',
  start_failures_total: 'Attempts to start the engine on this instance that failed, by reason (store-unreachable: the job store was not reached, tried again; store-auth-refused: it refused the credentials (a Redis password, the Convex secret); store-access-denied: it refused the rights on its keys or channels; store-unsupported: a server the provider cannot run on; store-functions-outdated: a Convex deployment without the layer\'s functions, or with older ones — these four are tried again too, but the health route says failed; start-error: an error no attempt can pass, such as a missing package, not tried again).',
  subscription_reconnects_total: 'Times the connection the shared store\'s live-tail subscriptions share came back after a drop (Redis pub/sub, the Convex WebSocket), by provider (redis, convex).',
} as const satisfies Record<string, string>

/** A counter name. */
export type CounterName = keyof typeof COUNTER_HELP

/** Histograms (cumulative buckets `le`, plus `_sum` and `_count`). */
export const HISTOGRAM_HELP = {
  delta_batch_chars: 'Characters merged into one text or reasoning event by the stream batching window.',
  provider_call_ms: 'Milliseconds each call to the shared job store (Redis, Convex) took, answered or failed, by operation (appendEvents, heartbeatLease, …).',
  job_duration_ms: 'Job runs that ended on this instance: milliseconds from the job\'s first start (its creation, on any owner for a job taken over) to its end, waits for human input included.',
  time_to_first_token_ms: 'Job runs that ended on this instance with some text or reasoning: milliseconds from the job\'s first start (across takeovers) to the first token.',
  model_first_token_ms: 'Milliseconds from sending a model round\'s request (retries included) to its first text, reasoning or tool call, by the model asked; rounds with no token are not timed.',
  tool_run_ms: 'Milliseconds each tool call ran (its execution, without an approval wait), by registered tool and result status (completed, error, refused, timeout); calls that never ran are not timed.',
  tool_isolation_wait_ms: 'Milliseconds an isolated tool call waited for a worker to start it, by registered tool and outcome (started; queue-timeout: none started it within isolation.queueTimeoutMs; yielded: it gave its place in a full queue to another user\'s call; aborted: its job ended while it waited). Calls refused at once (queue-full) are not timed.',
} as const satisfies Record<string, string>

/** A histogram name. */
export type HistogramName = keyof typeof HISTOGRAM_HELP

/**
 * The label names of each counter and histogram, in the order they are given. Recording under
 * other labels does not compile; docs/metrics.md lists the same names (a test compares them).
 */
export const METRIC_LABELS = {
  events_committed_total: ['type'],
  events_sent_total: ['event'],
  viewers_attached_total: [],
  viewer_resyncs_total: [],
  notification_streams_cut_total: ['reason'],
  streams_cut_total: ['stream', 'reason'],
  jobs_started_total: [],
  jobs_ended_total: ['status'],
  jobs_refused_total: ['reason'],
  requests_refused_total: ['limit'],
  job_errors_total: ['code'],
  job_aborts_total: ['code'],
  upstream_errors_total: ['code'],
  tool_runs_total: ['tool', 'status'],
  tool_timeouts_total: [],
  cleanup_runs_total: [],
  jobs_deleted_total: ['reason'],
  tool_stray_errors_total: ['tool', 'kind'],
  workflow_stray_errors_total: ['workflow', 'node', 'kind'],
  provider_calls_total: ['operation'],
  provider_errors_total: ['operation', 'error'],
  runs_handed_off_total: ['cause'],
  lease_takeovers_total: ['type', 'outcome'],
  isolated_calls_stopped_total: ['reason'],
  isolated_calls_not_run_total: ['reason'],
  isolated_share_turns_total: [],
  isolated_leftover_blocks_total: ['tool'],
  model_tokens_total: ['kind'],
  model_rounds_total: ['model', 'outcome'],
  model_retries_total: ['reason'],
  subscription_failures_total: ['provider'],
  subscription_reconnects_total: ['provider'],
  start_failures_total: ['reason'],
  delta_batch_chars: [],
  provider_call_ms: ['operation'],
  job_duration_ms: [],
  time_to_first_token_ms: [],
  tool_run_ms: ['tool', 'status'],
  model_first_token_ms: ['model'],
  tool_isolation_wait_ms: ['tool', 'outcome'],
} as const satisfies Record<CounterName | HistogramName, readonly string[]>

/** The label names of a counter or histogram. */
export type MetricLabelName<Name extends CounterName | HistogramName> = (typeof METRIC_LABELS)[Name][number]

/** The labels of one series of a counter or histogram: every declared label, no other. */
export type MetricLabels<Name extends CounterName | HistogramName> = { [Label in MetricLabelName<Name>]: string }

/** The `engine.stats()` gauges, exported as `engine_<snake_case key>`. */
export const ENGINE_GAUGE_HELP: Record<keyof EngineStats, string> = {
  runs: 'Job runs held by the engine on this instance (0 when idle; more is a leak).',
  viewers: 'Job-stream viewers attached on this instance.',
  remoteFeeds: 'Subscriptions following jobs that run on other instances for local viewers.',
  jobTimers: 'Timers held by running jobs (0 when idle).',
  pendingInputs: 'Human input requests waiting for an answer.',
  notificationUsers: 'Users with recent notifications kept for reconnects.',
  notificationSinks: 'Open notification streams.',
  userFeeds: 'Users whose jobs on other instances are followed for their notification streams.',
  engineTimers: 'Engine-wide timers (the heartbeat while any job viewer or notification stream is open; the retention cleanup interval from the first job until shutdown; with Redis or Convex the recovery scan too, from the start; for a minute, the count line of an upstream-request or chat-message-metadata hook, or a tool, failing again and again), so 1 when idle, 2 with Redis or Convex.',
  isolatedCalls: 'Isolated tool calls running or waiting for a worker (0 when idle).',
  isolatedCallsWaiting: 'Isolated tool calls waiting for a free worker (a part of isolatedCalls; 0 while a worker is free).',
  isolationWorkers: 'Live isolation worker threads (isolation.minWorkers stay warm).',
  unpersistedEvents: 'Committed events of the runs on this instance not yet written to the store (the write-behind backlog; grows while the store is down or slow).',
  oldestRunAgeMs: 'Ms since the oldest job run this instance owns started here (its creation or takeover), waits for an answer included; 0 with none. Past limits.jobTimeoutMs it is stuck.',
  oldestInputWaitMs: 'Ms since the oldest human input request open on this instance was asked; 0 with none.',
}

/** The other gauges. */
export const GAUGE_HELP = {
  jobs: 'Jobs running on this instance, by status (running, waiting; queued only between creation and start: a job over a limit is refused, never queued).',
  open_streams: 'Streams open on this instance (job, AI SDK chat and notification streams), counted against limits.maxStreamsPerUser and limits.maxStreams.',
  process_heap_used_bytes: 'V8 heap used by the server thread (isolation workers have heaps of their own).',
  process_rss_bytes: 'Resident memory of the whole process (isolation workers included).',
} as const satisfies Record<string, string>
