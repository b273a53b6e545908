/**
 * The spans of a job's steps, children of the job span: a model round (time to first token,
 * tokens, finish reason), a tool call (name, status, duration, timeout/denied/refused) and a workflow
 * node (id, kind, status). Thin wrappers the executor and the workflow runner put around the work.
 */
import type { Attributes, Span } from '@opentelemetry/api'
import { SpanStatusCode } from '@opentelemetry/api'
import type { ToolCallOutcome, ToolCallRequest } from '../executor/execute-tool'
import { filteredAnswer, isFilteredAnswer } from '../executor/filtered-answer'
import type { ModelRound } from '../executor/model-round'
import { runsIsolated } from '../executor/tool-runner'
import type { ModelRequest } from '../model/types'
import type { RunContext } from '../run-context'
import { JobFailure } from '../run-context'
import { upstreamStatusOf } from '../upstream-status'
import { contentValue, cutResultContent, errorContentValue, markFailure, withContent } from './content'
import { safely, withChildSpan } from './child-span'
import { ATTR, SPAN } from './names'
import { openToolProgressSpan } from './tool-progress-spans'

/**
 * Marks a model round or tool call that ended by `error`. A step of a parallel branch that another
 * branch's failure cancelled ends with that failure (its node's id on it, not this step's): not a
 * failure of its own — like its node, it is `skipped`, not an error with the other node's code.
 */
function markStepFailure(span: Span, error: unknown, nodeId: string | undefined, settings: RunContext['config']['telemetry']): void {
  if (error instanceof JobFailure && error.details.nodeId !== undefined && error.details.nodeId !== nodeId) {
    span.setAttribute(ATTR.errorType, 'skipped')
    return
  }
  markFailure(span, error, settings)
}

/** Which round of the loop. */
export interface ModelRoundInfo {
  step: number
  request: ModelRequest
  nodeId?: string
}

/**
 * Runs one model round in a `background_jobs.model_round` span; `work` calls `firstToken` once,
 * and `sent` with the request as the `upstream-request` hook left it (its model and messages are
 * what the span says was asked).
 */
export function traceModelRound(context: RunContext, info: ModelRoundInfo, work: (firstToken?: () => void, sent?: (request: ModelRequest) => void) => Promise<ModelRound>): Promise<ModelRound> {
  const settings = context.config.telemetry
  let startedAt = 0
  return withChildSpan(SPAN.modelRound, () => {
    startedAt = performance.now()
    const attributes: Attributes = {
      [ATTR.operation]: 'chat',
      [ATTR.requestModel]: info.request.model,
      [ATTR.round]: info.step,
      [ATTR.toolsOffered]: info.request.tools?.length ?? 0,
    }
    if (info.nodeId) attributes[ATTR.nodeId] = info.nodeId
    return withContent(attributes, settings, ATTR.contentInput, info.request.messages)
  }, (span) => {
    if (!span) return work()
    let seen = false
    return work(() => {
      if (seen) return
      seen = true
      span.setAttribute(ATTR.firstTokenMs, Math.round(performance.now() - startedAt))
    }, request => safely(() => span.setAttributes(withContent({ [ATTR.requestModel]: request.model }, settings, ATTR.contentInput, request.messages))))
  }, {
    onResult(span, round) {
      span.setAttribute(ATTR.toolCalls, round.toolCalls.length)
      if (round.finishReason) span.setAttribute(ATTR.finishReasons, [round.finishReason])
      if (round.usage) span.setAttributes({ [ATTR.inputTokens]: round.usage.prompt, [ATTR.outputTokens]: round.usage.completion })
      const text = contentValue(settings, round.text)
      if (text !== undefined) span.setAttribute(ATTR.contentOutput, text)
      // The loop fails the job on such a round once this span has ended (agent-loop.ts): it says so here.
      if (!round.toolCalls.length && isFilteredAnswer(round.finishReason, round.text)) markFailure(span, filteredAnswer(info.nodeId), settings)
    },
    onError(span, error) {
      markStepFailure(span, error, info.nodeId, settings)
      // A round that failed by its finish reason still spent the tokens the upstream counted (model-round.ts).
      if (error instanceof JobFailure && error.usage) span.setAttributes({ [ATTR.inputTokens]: error.usage.prompt, [ATTR.outputTokens]: error.usage.completion })
      // The round's own failure (a cancelled branch's round ends with another node's).
      const httpStatus = error instanceof JobFailure && (error.details.nodeId ?? info.nodeId) === info.nodeId ? upstreamStatusOf(error) : undefined
      if (httpStatus !== undefined) span.setAttribute(ATTR.httpStatus, httpStatus)
    },
  })
}

/** Runs one tool call in a `background_jobs.tool_call` span (an approval wait is inside it). */
export function traceToolCall(context: RunContext, call: ToolCallRequest, work: () => Promise<ToolCallOutcome>): Promise<ToolCallOutcome> {
  const settings = context.config.telemetry
  return withChildSpan(SPAN.toolCall, () => {
    const attributes: Attributes = {
      [ATTR.operation]: 'execute_tool',
      [ATTR.toolName]: call.name,
      [ATTR.toolCallId]: call.id,
      [ATTR.round]: call.step,
    }
    const tool = context.tools.get(call.name)
    if (tool) attributes[ATTR.toolIsolated] = runsIsolated(tool, context.config)
    if (call.nodeId) attributes[ATTR.nodeId] = call.nodeId
    return withContent(attributes, settings, ATTR.contentInput, call.args)
  }, (span) => {
    // Its stored progress becomes events of this span while it runs (tool-progress-spans.ts).
    const close = span && openToolProgressSpan(call.id, span)
    return close ? work().finally(close) : work()
  }, {
    onResult(span, outcome) {
      span.setAttributes({
        [ATTR.toolStatus]: outcome.status,
        [ATTR.toolDurationMs]: outcome.durationMs,
        [ATTR.toolTimedOut]: outcome.status === 'timeout',
        [ATTR.toolDenied]: outcome.status === 'denied',
        [ATTR.toolRefused]: outcome.refused === true,
      })
      // A refusal's text (the ToolError's message) is its output, redacted as its log line is.
      const output = outcome.status === 'completed' ? (outcome.cut ? cutResultContent(settings, outcome.cut.json) : contentValue(settings, outcome.result)) : errorContentValue(settings, outcome.error)
      if (output !== undefined) span.setAttribute(ATTR.contentOutput, output)
      // A denial is the human's decision, and a ToolError the tool's own "cannot do that": neither is a failure of the call.
      if ((outcome.status === 'error' && !outcome.refused) || outcome.status === 'timeout') {
        span.setAttribute(ATTR.errorType, `tool-${outcome.status}`)
        span.setStatus({ code: SpanStatusCode.ERROR, message: `tool-${outcome.status}` })
      }
    },
    onError: (span, error) => markStepFailure(span, error, call.nodeId, settings),
  })
}

/** The node being run. */
export interface WorkflowNodeInfo {
  nodeId: string
  kind: string
  workflow: string
  visit: number
  /** The signal of the node's parent (a parallel node cancels its other branches with it). */
  parentSignal: AbortSignal
  /**
   * How the runner recorded the node's end when it did not complete (its `node-end`), set before
   * it throws: a failing branch cancels its siblings (the parent signal) before its error gets here.
   */
  ended?: 'failed' | 'skipped'
}

/** Runs one workflow node in a `background_jobs.workflow_node` span. */
export function traceWorkflowNode<T>(context: RunContext, info: WorkflowNodeInfo, work: () => Promise<T>): Promise<T> {
  const settings = context.config.telemetry
  return withChildSpan(SPAN.workflowNode, () => ({
    [ATTR.nodeId]: info.nodeId,
    [ATTR.nodeKind]: info.kind,
    [ATTR.workflowName]: info.workflow,
    [ATTR.nodeVisit]: info.visit,
  }), () => work(), {
    onResult: span => span.setAttribute(ATTR.nodeStatus, 'completed'),
    onError(span, error) {
      // Mirrors the node-end the runner records: skipped when a sibling branch failed.
      const skipped = info.ended ? info.ended === 'skipped' : !context.signal.aborted && info.parentSignal.aborted
      span.setAttribute(ATTR.nodeStatus, context.signal.aborted ? 'aborted' : skipped ? 'skipped' : 'failed')
      if (skipped) span.setAttribute(ATTR.errorType, 'skipped')
      else if (context.signal.aborted) markFailure(span, context.signal.reason, settings)
      else markFailure(span, error, settings)
    },
  })
}

