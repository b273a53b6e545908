/**
 * A RunContext for executor and tool tests, without an engine: it numbers every emitted event,
 * reduces them with the shared `applyEvent` (so tests assert on what a viewer would see), keeps
 * metrics, and runs approval requests on plain timers (drive them with vitest fake timers).
 */
import type { JobEvent, JobEventPayload, JobMetrics } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { applyEvent, createJobState } from '../../shared/reducer'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { InputConflictError, JobAbortedError } from '../../server/lib/errors'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import type { ModelClient } from '../../server/lib/model/types'
import type { InputAnswer, InputRequestOptions, RunContext } from '../../server/lib/run-context'
import { createTimerSet } from '../../server/lib/timers'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import type { WorkflowRegistry } from '../../server/lib/workflows/types'

/** Options of the fake. */
export interface FakeRunContextOptions {
  model: ModelClient
  tools?: AnyToolDefinition[]
  config?: BackgroundJobsConfigInput
  isolation?: ToolIsolation
}

interface Pending {
  options: InputRequestOptions
  resolve: (answer: InputAnswer) => void
  reject: (error: unknown) => void
  timer: ReturnType<typeof setTimeout>
}

/** Creates the fake; `context` is what the code under test receives. */
export function createFakeRunContext(options: FakeRunContextOptions) {
  const controller = new AbortController()
  const events: JobEvent[] = []
  const metrics: JobMetrics = emptyMetrics()
  const pending = new Map<string, Pending>()
  let state: JobState = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
  let requestCount = 0
  const requestWaiters: Array<(requestId: string) => void> = []

  function record(payload: JobEventPayload & { nodeId?: string }) {
    const event = { ...payload, seq: events.length + 1, at: Date.now() } as JobEvent
    events.push(event)
    state = applyEvent(state, event)
  }

  function settle(requestId: string, answer: unknown, answeredBy: string, timedOut: boolean) {
    const request = pending.get(requestId)!
    clearTimeout(request.timer)
    pending.delete(requestId)
    record({ type: 'input-response', requestId, answer, answeredAt: Date.now(), answeredBy })
    if (!pending.size) record({ type: 'job-status', status: 'running' })
    request.resolve({ requestId, answer, answeredBy, timedOut })
  }

  controller.signal.addEventListener('abort', () => {
    for (const request of pending.values()) {
      clearTimeout(request.timer)
      request.reject(controller.signal.reason)
    }
    pending.clear()
  })

  const context: RunContext = {
    jobId: 'job-1',
    userId: 'user-1',
    threadId: 'thread-1',
    signal: controller.signal,
    config: resolveConfig(options.config),
    model: options.model,
    tools: createToolRegistry(options.tools ?? []),
    ...(options.isolation ? { isolation: options.isolation } : {}),
    workflows: {} as WorkflowRegistry,
    // The run's timers (tool time limits); tests check none is left behind.
    timers: createTimerSet(),
    defaultModel: 'test/model',
    text: (text, nodeId) => record({ type: 'text-delta', offset: state.content.length, text, ...(nodeId ? { nodeId } : {}) }),
    reasoning: (text, nodeId) => record({ type: 'reasoning-delta', offset: state.reasoning.length, text, ...(nodeId ? { nodeId } : {}) }),
    emit: event => record(event),
    // Each update recorded as it comes (the engine merges them in its batching window).
    toolProgress: event => record(event),
    state: () => state,
    requestInput(request) {
      if (controller.signal.aborted) return Promise.reject(controller.signal.reason)
      const requestId = `request-${++requestCount}`
      const timeoutMs = request.timeoutMs ?? context.config.limits.inputTimeoutMs
      return new Promise<InputAnswer>((resolve, reject) => {
        const timer = setTimeout(() => settle(requestId, request.onTimeout === 'approve' ? 'approve' : 'deny', 'timeout', true), timeoutMs)
        pending.set(requestId, { options: request, resolve, reject, timer })
        const { kind, prompt, onTimeout, toolCallId, tool, args } = request
        record({ type: 'input-request', requestId, kind, prompt, onTimeout, expiresAt: Date.now() + timeoutMs, toolCallId, tool, args })
        record({ type: 'job-status', status: 'waiting' })
        for (const waiter of requestWaiters.splice(0)) waiter(requestId)
      })
    },
    prepareModelRequest: async request => request,
    addMetrics(add) {
      metrics.tool_call_count += add.tool_call_count ?? 0
      metrics.tool_execution_time_ms += add.tool_execution_time_ms ?? 0
      metrics.total_rounds += add.total_rounds ?? 0
      metrics.tokens.prompt += add.tokens?.prompt ?? 0
      metrics.tokens.completion += add.tokens?.completion ?? 0
      metrics.tokens.total += add.tokens?.total ?? 0
    },
    resumedFrom: null,
  }

  return {
    context,
    events,
    metrics,
    state: () => state,
    /** Events of one type, in order. */
    eventsOf<T extends JobEvent['type']>(type: T) {
      return events.filter((event): event is Extract<JobEvent, { type: T }> => event.type === type)
    },
    /** Open approval requests' ids. */
    pendingRequestIds: () => [...pending.keys()],
    /** Resolves with the id of the next input request made. */
    nextInputRequest: () => new Promise<string>(resolve => requestWaiters.push(resolve)),
    /** Answers like the input route would (validate first; a stale id is a conflict). */
    answer(requestId: string, answer: unknown, answeredBy = 'user-1') {
      const request = pending.get(requestId)
      if (!request) throw new InputConflictError(requestId, 'is not pending for this job')
      settle(requestId, request.options.validate ? request.options.validate(answer) : answer, answeredBy, false)
    },
    /** Aborts the job as `POST …/abort` would. */
    abort(message = 'Aborted by the user') {
      controller.abort(new JobAbortedError('aborted', message))
    },
    /** Ends the job with `reason` (its time limit, a shutdown, a hand-off) as the engine would. */
    abortWith(reason: JobAbortedError) {
      controller.abort(reason)
    },
  }
}

/** The fake's type. */
export type FakeRunContext = ReturnType<typeof createFakeRunContext>
