/**
 * The one pure reducer that builds a job's state from its event log.
 * The server uses it for snapshots, the client to render; both import this file. The entries of
 * the state's lists (tool calls, rounds, nodes, input requests) are in state-entries.ts.
 * It never mutates its input: every change returns new objects, so a state can be kept and compared.
 */
import type { ActiveStatus, JobError, JobEvent, JobMetrics, JobStatus, JobType } from './events'
import { isTerminalStatus } from './events'
import type { AnsweredInput, NodeState, PendingInput, StepState, ToolCallState } from './state-entries'
import { isToolOutcome } from './state-entries'
import { cutOffNodes, isLiveNode, latestLiveNode, withNode } from './live-nodes'
import type { Owned } from './state-writes'
import { appended, replacedAt } from './state-writes'
import { withDeltaRun } from './round-runs'
import { carryToolCallIndex, toolCallPosition } from './tool-call-index'
import { cutOffCall, progressOf } from './tool-call-progress'

export type { ToolCallProgress } from './tool-call-progress'
export type { AnsweredInput, NodeState, PendingInput, RoundRun, StepStarts, StepState, ToolCallOutcomeStatus, ToolCallState } from './state-entries'
export { isToolOutcome } from './state-entries'

/** The reduced state of a job at `seq`. */
export interface JobState {
  id: string
  type: JobType
  status: JobStatus
  /** The seq of the last event applied (0: none yet). */
  seq: number
  /** The lease epoch of that event, present only after a takeover (absent: 1). */
  epoch?: number
  content: string
  reasoning: string
  steps: StepState[]
  toolCalls: ToolCallState[]
  pendingInputs: PendingInput[]
  answeredInputs: AnsweredInput[]
  nodeStates: Record<string, NodeState>
  executionOrder: string[]
  currentNodeId: string | null
  failedNodeId: string | null
  error: JobError | null
  metrics: JobMetrics | null
  createdAt: number
  updatedAt: number
  endedAt: number | null
}

/** What a job's state starts from. */
export interface JobStateInit {
  id: string
  type: JobType
  createdAt: number
  status?: JobStatus
}

/** The state of a job before any event. */
export function createJobState(init: JobStateInit): JobState {
  return {
    id: init.id,
    type: init.type,
    status: init.status ?? 'queued',
    seq: 0,
    content: '',
    reasoning: '',
    steps: [],
    toolCalls: [],
    pendingInputs: [],
    answeredInputs: [],
    nodeStates: {},
    executionOrder: [],
    currentNodeId: null,
    failedNodeId: null,
    error: null,
    metrics: null,
    createdAt: init.createdAt,
    updatedAt: init.createdAt,
    endedAt: null,
  }
}

/**
 * Appends a delta that starts at `offset` to `current`. Applying the same delta twice is harmless:
 * text already present is kept, only what goes past the end is added. A delta that starts past the
 * end (a gap) is ignored; the viewer's next snapshot repairs it.
 */
/**
 * Whether a live delta would leave a hole in the state's text: it starts past the end of it, so
 * events between were lost. `applyEvent` keeps the text as it is then and moves `seq` on, so every
 * later delta would be dropped too; a follower takes the server's state again instead.
 */
export function deltaLeavesGap(state: JobState | null | undefined, event: JobEvent): boolean {
  if (!state || (event.type !== 'text-delta' && event.type !== 'reasoning-delta')) return false
  if (event.seq <= state.seq || (event.epoch ?? 1) < (state.epoch ?? 1) || isTerminalStatus(state.status)) return false
  return event.offset > (event.type === 'text-delta' ? state.content : state.reasoning).length
}

export function applyDelta(current: string, offset: number, text: string): string {
  if (offset > current.length) return current
  const end = offset + text.length
  if (end <= current.length) return current
  return current + text.slice(current.length - offset)
}

/** The calls with call `id` patched (the latest, should an id repeat; found through the index, not by walking them). */
function updateToolCall(state: JobState, id: string, patch: Partial<ToolCallState>, owned: Owned): ToolCallState[] {
  const index = toolCallPosition(state.toolCalls, id)
  if (index === undefined) return state.toolCalls
  const merged = { ...state.toolCalls[index]!, ...patch }
  const calls = replacedAt(state.toolCalls, index, merged, owned)
  carryToolCallIndex(state.toolCalls, calls)
  return calls
}

/**
 * Applies one event to a state and returns the new state. Events at or below `state.seq` are
 * ignored, so replays and duplicates are harmless; so is an event of an earlier lease epoch than
 * the state's (an owner that lost the job and has not noticed yet: its seqs are not the new
 * owner's). A terminal job only accepts nothing more.
 */
export function applyEvent(state: JobState, event: JobEvent): JobState {
  return applyTo(state, event, undefined)
}

/**
 * `applyEvent` for a caller that keeps only the newest state: the lists and maps in `owned` (made by
 * earlier calls with the same set, which adds the ones it makes) are changed in place, so appending
 * to a long run's lists costs O(1). A state whose lists are in `owned` must not be handed to code
 * that keeps it: start a new set first (server/lib/live-job.ts).
 */
export function applyTo(state: JobState, event: JobEvent, owned: Owned): JobState {
  if (event.seq <= state.seq) return state
  if ((event.epoch ?? 1) < (state.epoch ?? 1)) return state
  if (isTerminalStatus(state.status)) return state
  const next: JobState = { ...state, seq: event.seq, updatedAt: event.at }
  if (event.epoch !== undefined) next.epoch = event.epoch
  switch (event.type) {
    case 'job-status':
      next.status = event.status as ActiveStatus
      return next
    case 'text-delta': {
      next.content = applyDelta(state.content, event.offset, event.text)
      // Where a running node's text began (a held node writes all of it as it ends): one cut off
      // after that write, before its `node-end`, does not write it again (workflows/held-visit.ts).
      const node = event.nodeId === undefined ? undefined : state.nodeStates[event.nodeId]
      if (node && node.textAt === undefined && isLiveNode(node) && next.content.length > state.content.length) {
        next.nodeStates = withNode(state.nodeStates, node.nodeId, { ...node, textAt: event.offset }, owned)
      }
      if (next.content.length > state.content.length) next.steps = withRun(state, 'text', event, owned)
      return next
    }
    case 'reasoning-delta': {
      next.reasoning = applyDelta(state.reasoning, event.offset, event.text)
      if (next.reasoning.length === state.reasoning.length) return next
      // The round's first reasoning names its reasoning part (StepState.reasoningSeq).
      const round = openRoundOf(state.steps, event.nodeId)
      if (round !== -1 && state.steps[round]!.reasoningSeq === undefined) next.steps = replacedAt(state.steps, round, { ...state.steps[round]!, reasoningSeq: event.fromSeq ?? event.seq }, owned)
      next.steps = withRun({ ...state, steps: next.steps }, 'reasoning', event, owned)
      return next
    }
    case 'step-start': {
      const starts = { content: state.content.length, reasoning: state.reasoning.length, toolCalls: state.toolCalls.length }
      next.steps = appended(state.steps, { step: event.step, nodeId: event.nodeId, finishReason: null, ...(typeof event.model === 'string' ? { model: event.model } : {}), ended: false, starts }, owned)
      const node = event.nodeId === undefined ? undefined : state.nodeStates[event.nodeId]
      // Where the round begins in the job's text: an agent node run again after a takeover goes on from its answer so far.
      if (node) next.nodeStates = withNode(state.nodeStates, node.nodeId, { ...node, rounds: (node.rounds ?? 0) + 1, roundStarts: { ...node.roundStarts, [event.step]: state.content.length } }, owned)
      return next
    }
    case 'step-end': {
      // The latest open round with that number: a node run again after a takeover by an earlier
      // version started at step 1 again, and the round the lost owner cut off never ended (its usage is unknown).
      let index = state.steps.length - 1
      while (index >= 0 && !isOpenStep(state.steps[index]!, event.step, event.nodeId)) index--
      if (index >= 0) {
        next.steps = replacedAt(state.steps, index, { ...state.steps[index]!, finishReason: event.finishReason, usage: event.usage, ...(event.reasoningContent ? { reasoningContent: event.reasoningContent } : {}), ...(Array.isArray(event.reasoningDetails) ? { reasoningDetails: event.reasoningDetails } : {}), ...(event.toolCallExtras && typeof event.toolCallExtras === 'object' ? { toolCallExtras: event.toolCallExtras } : {}), ...(event.toolCallCount !== undefined ? { toolCallCount: event.toolCallCount } : {}), ...(typeof event.droppedMessages === 'number' ? { droppedMessages: event.droppedMessages } : {}), ...(typeof event.heldText === 'string' ? { heldText: event.heldText } : {}), ...(typeof event.model === 'string' ? { model: event.model } : {}), ended: true }, owned)
      }
      return next
    }
    case 'tool-call': {
      const call: ToolCallState = { id: event.id, name: event.name, args: event.args, step: event.step, nodeId: event.nodeId, status: 'running' }
      next.toolCalls = appended(state.toolCalls, call, owned)
      carryToolCallIndex(state.toolCalls, next.toolCalls, call)
      return next
    }
    case 'tool-result':
      next.toolCalls = updateToolCall(state, event.id, {
        status: event.status,
        result: event.result,
        error: event.error,
        durationMs: event.durationMs,
      }, owned)
      return next
    case 'tool-progress': {
      // Only a running call's: one with its outcome (or waiting for approval) keeps none.
      const index = toolCallPosition(state.toolCalls, event.id)
      if (index === undefined || state.toolCalls[index]!.status !== 'running') return next
      next.toolCalls = updateToolCall(state, event.id, { progress: progressOf(event, state.toolCalls[index]!.progress) }, owned)
      return next
    }
    case 'input-request': {
      // `fromSeq` is the frame's, not the request's: a replay's event after tool progress it left out covers those seqs.
      const { type: _type, seq: _seq, at, fromSeq: _fromSeq, ...request } = event
      next.pendingInputs = [...state.pendingInputs, { ...request, requestedAt: at }]
      // A client tool's call waiting for the browser's output stays `running` (its output is its run).
      if (event.toolCallId && event.kind !== 'tool-output') next.toolCalls = updateToolCall(state, event.toolCallId, { status: 'waiting-approval', approvalId: event.requestId, ...(event.args !== undefined ? { approvalArgs: event.args } : {}) }, owned)
      if (event.nodeId && state.nodeStates[event.nodeId]) {
        next.nodeStates = withNode(state.nodeStates, event.nodeId, { ...state.nodeStates[event.nodeId]!, status: 'waiting' }, owned)
      }
      return next
    }
    case 'input-response': {
      const pending = state.pendingInputs.find(input => input.requestId === event.requestId)
      if (!pending) return next
      next.pendingInputs = state.pendingInputs.filter(input => input.requestId !== event.requestId)
      next.answeredInputs = appended(state.answeredInputs, {
        ...pending,
        answer: event.answer,
        answeredAt: event.answeredAt,
        answeredBy: event.answeredBy,
        ...(typeof event.sent === 'string' ? { sent: event.sent } : {}),
      }, owned)
      if (pending.toolCallId && pending.kind !== 'tool-output') next.toolCalls = updateToolCall(next, pending.toolCallId, { status: 'running' }, owned)
      // A node with another open question (an agent asking two approvals at once) still waits.
      const stillAsking = next.pendingInputs.some(input => input.nodeId === pending.nodeId)
      if (pending.nodeId && !stillAsking && state.nodeStates[pending.nodeId]?.status === 'waiting') {
        next.nodeStates = withNode(state.nodeStates, pending.nodeId, { ...state.nodeStates[pending.nodeId]!, status: 'running' }, owned)
      }
      return next
    }
    case 'node-start': {
      const previous = state.nodeStates[event.nodeId]
      // Kept through a takeover's re-run of a cut-off attempt too (workflows/resume.ts reads it). A
      // node started under another kind (a deploy turned a tool check into a question under its id)
      // is another node: the old kind's output is not its previous round.
      const sameNode = previous?.kind === event.kind
      const previousOutput = !sameNode ? undefined : previous.status === 'completed' ? previous.output : previous.previousOutput
      // Read before the write below: `reduceEvents` changes the map it made in place.
      const cutOff = isCutOffAttempt(state, event.nodeId)
      // The rounds of the attempt a takeover cut off go on counting in the attempt run again.
      const rounds = cutOff && sameNode ? previous.rounds : undefined
      // And so do its rounds' starts in the text and the position of its first call (agent-continuation.ts).
      const roundStarts = cutOff && sameNode ? previous.roundStarts : undefined
      const textAt = cutOff && sameNode ? previous.textAt : undefined
      const callsAt = cutOff && sameNode && previous.callsAt !== undefined ? previous.callsAt : state.toolCalls.length
      const visitSeq = cutOff ? previous!.visitSeq : event.seq
      next.nodeStates = withNode(state.nodeStates, event.nodeId, { nodeId: event.nodeId, kind: event.kind, status: 'running', startedAt: event.at, ...(previousOutput !== undefined ? { previousOutput } : {}), ...(rounds !== undefined ? { rounds } : {}), ...(roundStarts !== undefined ? { roundStarts } : {}), ...(textAt !== undefined ? { textAt } : {}), callsAt, ...(event.startedAtJobMs !== undefined ? { startedAtJobMs: event.startedAtJobMs } : {}), ...(event.usedMs !== undefined ? { usedMs: event.usedMs } : {}), startSeq: event.seq, ...(visitSeq !== undefined ? { visitSeq } : {}), contentAt: state.content.length }, owned)
      // A node that starts while it still runs or waits is the run taken over by another instance
      // running the attempt the lost owner cut off again: one visit, listed once, where it first
      // started — a later takeover counts its visits right, and the branches a parallel node ran
      // in that round stay after it, so their recorded outputs are reused (workflows/resume.ts).
      if (!cutOff) next.executionOrder = appended(state.executionOrder, event.nodeId, owned)
      next.currentNodeId = event.nodeId
      return next
    }
    case 'node-end': {
      const previous = state.nodeStates[event.nodeId]
      next.nodeStates = withNode(state.nodeStates, event.nodeId, {
        nodeId: event.nodeId,
        kind: previous?.kind ?? 'unknown',
        startedAt: previous?.startedAt ?? event.at,
        status: event.status,
        output: event.output,
        error: event.error,
        endedAt: event.at,
        ...(previous?.startSeq !== undefined ? { startSeq: previous.startSeq } : {}),
        ...(previous?.visitSeq !== undefined ? { visitSeq: previous.visitSeq } : {}),
      }, owned)
      // A parallel fan-out runs several nodes: when the current one ends, the latest started node
      // still running or waiting (a sibling branch that waits for a human, or the parallel node
      // itself) is current, not none.
      if (state.currentNodeId === event.nodeId) next.currentNodeId = latestLiveNode(state.executionOrder, next.nodeStates)
      if (event.status === 'failed' && state.failedNodeId === null) next.failedNodeId = event.nodeId
      // A node a sibling branch's failure cancelled cut off its open calls (their signals fired;
      // no result comes): `stopped`, as by an abort, with the cancellation as their error.
      if (event.status === 'skipped' && state.toolCalls.some(call => call.nodeId === event.nodeId && !isToolOutcome(call.status))) {
        next.toolCalls = state.toolCalls.map(call =>
          call.nodeId === event.nodeId && !isToolOutcome(call.status) ? cutOffCall(call, 'stopped', call.error ?? event.error ?? 'cancelled') : call,
        )
      }
      return next
    }
    case 'job-end':
      next.status = event.status
      next.error = event.error ?? null
      next.metrics = event.metrics
      next.endedAt = event.at
      next.pendingInputs = []
      next.currentNodeId = null
      // Calls and workflow nodes still running (or waiting) when the job ended will never finish:
      // show them as cut off — `stopped` by an abort (the user stopped them, nothing broke),
      // `error` / `failed` by a failed job. Their error says how the job ended either way.
      if (state.toolCalls.some(call => !isToolOutcome(call.status))) {
        const cutOff = event.status === 'aborted' ? 'stopped' : 'error'
        next.toolCalls = state.toolCalls.map(call =>
          isToolOutcome(call.status) ? call : cutOffCall(call, cutOff, call.error ?? howJobEnded(event)),
        )
      }
      if (Object.values(state.nodeStates).some(isLiveNode)) next.nodeStates = cutOffNodes(state.nodeStates, event.status === 'aborted' ? 'stopped' : 'failed', howJobEnded(event), event.at)
      return next
    default:
      return next
  }
}

/** What cut a call or node off: `job aborted`, or `job failed (timeout)` with the job's error code. */
function howJobEnded(event: { status: string, error?: { code?: string } }): string {
  return event.error?.code ? `job ${event.status} (${event.error.code})` : `job ${event.status}`
}

/** The rounds after a delta that grew the text or reasoning: its round's runs (round-runs.ts) when the order needs them. */
function withRun(state: JobState, kind: 'text' | 'reasoning', event: { seq: number, fromSeq?: number, nodeId?: string }, owned: Owned): StepState[] {
  const round = openRoundOf(state.steps, event.nodeId)
  if (round === -1) return state.steps
  const at = kind === 'text' ? state.content.length : state.reasoning.length
  const step = withDeltaRun(state.steps[round]!, kind, at, event.fromSeq ?? event.seq, { content: state.content.length, reasoning: state.reasoning.length })
  return step ? replacedAt(state.steps, round, step, owned) : state.steps
}

/**
 * The index of `nodeId`'s round under way (-1: none): its latest round, when that one has not
 * ended. Looks back only to that node's latest round, so a long log reduces in linear time.
 */
function openRoundOf(steps: readonly StepState[], nodeId: string | undefined): number {
  for (let index = steps.length - 1; index >= 0; index--) {
    if (steps[index]!.nodeId === nodeId) return steps[index]!.ended ? -1 : index
  }
  return -1
}

/** True for a round `step` of `nodeId` that started and has not ended. */
function isOpenStep(state: StepState, step: number, nodeId: string | undefined): boolean {
  return state.step === step && state.nodeId === nodeId && !state.ended
}

/** True when the node's latest start never ended (a takeover cut that attempt off). */
function isCutOffAttempt(state: JobState, nodeId: string): boolean {
  const node = state.nodeStates[nodeId]
  return node !== undefined && isLiveNode(node)
}

/**
 * Applies a list of events in order. The states between are never seen, so the lists and maps it
 * copied from `state` once are changed in place after: linear in the log's length (`state` itself
 * is never changed).
 */
export function reduceEvents(state: JobState, events: readonly JobEvent[]): JobState {
  const owned: Owned = new WeakSet()
  let current = state
  for (const event of events) current = applyTo(current, event, owned)
  return current
}
