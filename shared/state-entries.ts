/**
 * The entries of a job's state (`JobState`, reducer.ts) as the reducer builds them from the event
 * log: its tool calls, model rounds, workflow nodes, and input requests waiting or answered.
 */
import type {
  InputRequestPayload,
  StepEndPayload,
  ToolResultStatus,
} from './events'
import type { ToolCallProgress } from './tool-call-progress'

/** A tool call as a viewer sees it. */
export interface ToolCallState {
  id: string
  name: string
  args: unknown
  step: number
  nodeId?: string
  /**
   * `stopped`: still running or waiting for approval when the job was aborted, or when its workflow
   * node was cancelled because a sibling branch of a parallel node failed (it never got a result).
   */
  status: 'running' | 'waiting-approval' | ToolCallOutcomeStatus
  result?: unknown
  error?: string
  durationMs?: number
  /**
   * The id of the approval request the call asked (its input request), kept once the request is
   * answered or the job's end cut it off (`pendingInputs` then no longer has it).
   */
  approvalId?: string
  /**
   * What the tool said last about how it is going (`tool-progress`). Kept once the call has its
   * outcome (an AI SDK message keeps the part): show it only while `status` is `running`.
   */
  progress?: ToolCallProgress
  /**
   * The arguments that approval request asked with (the tool's schema applied: what the tool would
   * run with), kept with `approvalId` for when the request is no longer in `pendingInputs`.
   */
  approvalArgs?: unknown
}

/** A call's outcome: its `tool-result`'s status, or `stopped` (the job's abort, or its node's cancellation, cut it off). */
export type ToolCallOutcomeStatus = ToolResultStatus | 'stopped'

/** True once a call has its outcome (not running, not waiting for approval). */
export function isToolOutcome(status: ToolCallState['status']): status is ToolCallOutcomeStatus {
  return status !== 'running' && status !== 'waiting-approval'
}

/**
 * One model round: its `step-end` event's fields (events.ts says what each holds; `reasoningDetails`,
 * `toolCallExtras` and `heldText` stay on the server; `model` already from its `step-start`), the workflow node
 * it ran in, whether it ended, and where it begins in the job's text, reasoning and tool calls.
 */
export interface StepState extends Omit<StepEndPayload, 'type'> {
  nodeId?: string
  ended: boolean
  /**
   * The lengths of the job's content, reasoning and tool calls when the round started: its text,
   * reasoning and calls follow from there, so a snapshot is laid out round by round as the events
   * are (server/lib/ai-sdk/snapshot-rounds.ts). Absent in a state reduced before it was kept.
   */
  starts?: StepStarts
  /**
   * The seq of the round's first reasoning delta (its `fromSeq` when deltas were merged): the id
   * of the round's reasoning part in an AI SDK UI message (`reasoning-<seq>`), also from a snapshot.
   */
  reasoningSeq?: number
  /**
   * The round's text and reasoning in the order they came, when that is not reasoning, then text
   * (shared/round-runs.ts): one entry where each run begins. Absent for the usual round.
   */
  runs?: RoundRun[]
}

/**
 * Where one run of a round's text or reasoning begins: its offset in the job's content or
 * reasoning (UTF-16 code units) and, for reasoning, the seq of its first delta (its part's id).
 */
export interface RoundRun {
  kind: 'text' | 'reasoning'
  at: number
  seq?: number
}

/** Where a round begins: the lengths of the job's content (UTF-16 code units), reasoning and tool calls at its `step-start`. */
export interface StepStarts {
  content: number
  reasoning: number
  toolCalls: number
}

/** A workflow node as a viewer sees it. */
export interface NodeState {
  nodeId: string
  kind: string
  /** `stopped`: still running or waiting when the job was aborted. */
  status: 'running' | 'waiting' | 'completed' | 'failed' | 'skipped' | 'stopped'
  output?: unknown
  /**
   * While a node that finished before runs again (a loop's next round), the output of its latest
   * finished visit: the node's own code reads it (`state.outputs`) in the live run, and a run
   * resumed from the log reads it there too.
   */
  previousOutput?: unknown
  error?: string
  startedAt: number
  endedAt?: number
  /**
   * Model rounds an agent node's visit started, the attempts a takeover cut off included: the
   * node run again goes on counting from them, so its `maxSteps` holds across owners.
   */
  rounds?: number
  /** When this attempt of the node started, as the job's age (its `node-start`'s `startedAtJobMs`). */
  startedAtJobMs?: number
  /** Node time the visit used in attempts a takeover cut off (its `node-start`'s `usedMs`). */
  usedMs?: number
  /**
   * The seq of this attempt's `node-start`, and of its visit's first one (kept when a takeover runs
   * the attempt again): tell a node an owner left behind from where the job is (live-nodes.ts).
   */
  startSeq?: number
  visitSeq?: number
  /** The length of the job's content when this attempt started: what an output node cut off after its text wrote (nodes/output.ts). */
  contentAt?: number
  /**
   * An agent node's visit, the attempts a takeover cut off included: model round (`step`) → the
   * length of the job's content when it started, and how many tool calls the job had when the visit
   * started. The node run again goes on from its stored rounds and text (agent-continuation.ts).
   */
  roundStarts?: Record<number, number>
  callsAt?: number
  /**
   * Where the visit's text began in the job's content (its first `text-delta`, the attempts a
   * takeover cut off included): a held node's text, written as it ends, is not written again by the
   * attempt run again (workflows/held-visit.ts).
   */
  textAt?: number
}

/** An input request that waits for an answer. */
export type PendingInput = Omit<InputRequestPayload, 'type'> & { nodeId?: string, requestedAt: number }

/** An answered (or timed-out) input request, kept in the history. */
export interface AnsweredInput extends PendingInput {
  answer: unknown
  answeredAt: number
  answeredBy: string
  /** The digest of the answer as sent, when the schema stored another value (`input-response` `sent`). */
  sent?: string
}
