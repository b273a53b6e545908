/**
 * What a workflow author writes: a definition with a zod input, named nodes and edges between them.
 * `defineWorkflow` (server/utils/define-workflow.ts) returns it unchanged, with types inferred.
 */
import type { z } from 'zod'
import type { InputTimeoutAction } from '../../../shared/events'
import type { StoredJson } from './stored-json'

/** What node inputs can read while a workflow runs. Everything in it is JSON-serialisable. */
export interface WorkflowState<Input = unknown, NodeId extends string = string> {
  /** The job's input as stored: what the workflow's zod schema returned, as JSON (a Date as its ISO text). */
  input: Input
  /** The latest output of every node that finished, by node id. */
  outputs: Record<string, unknown>
  /**
   * How many times each node was visited (a branch that loops can count its rounds); every node has
   * a count, 0 until it first runs, so in a `defineWorkflow` its type is a number for each node id.
   */
  visits: Record<NodeId, number>
}

/**
 * A node input: a value as is, or computed from the state by a function. Strings (also nested in
 * objects and arrays) may hold templates such as `{{input.topic}}` or `{{outputs.research}}`;
 * a string that is exactly one template takes the referenced value itself, not its text.
 */
export type StateMapper<T, Input, NodeId extends string = string> = T | ((state: WorkflowState<Input, NodeId>) => T)

/**
 * A node input of any value: JSON-like data as is (objects and arrays may nest templates), or a
 * function of the state. Not `StateMapper<unknown>`: `unknown | ((state) => …)` collapses to
 * `unknown`, and a `state => …` written inline would get no parameter type (an implicit `any`, an
 * error in a strict app).
 */
export type ValueMapper<Input, NodeId extends string = string> = string | number | boolean | null | object | ((state: WorkflowState<Input, NodeId>) => unknown)

interface NodeBase {
  /** Shown in docs and tooling; not used at run time. */
  description?: string
}

/** A model step that runs the same executor loop as a chat job; its output is the text it wrote. */
export interface AgentNode<Input = unknown, NodeId extends string = string> extends NodeBase {
  kind: 'agent'
  /** The system message. */
  instructions: StateMapper<string, Input, NodeId>
  /** The user message. @default a summary of the workflow input and the earlier outputs */
  prompt?: StateMapper<string, Input, NodeId>
  /** @default the job's default model */
  model?: string
  /** Names of registered tools this agent may call. @default none */
  tools?: string[]
  /** @default limits.maxSteps */
  maxSteps?: number
}

/** Calls one registered tool; its output is the tool's result. */
export interface ToolNode<Input = unknown, NodeId extends string = string> extends NodeBase {
  kind: 'tool'
  tool: string
  /** The tool's arguments (left out: `{}`; a string is read as JSON text; `undefined`, `null` or an empty string fails the node). @default {} */
  args?: ValueMapper<Input, NodeId>
  /**
   * When the tool fails, continue with `{ status, error }` as the output instead of failing the job.
   * @default false
   */
  continueOnError?: boolean
}

/** Asks the human; its output is the answer, parsed by `schema`. */
export interface InputNode<Input = unknown, Schema extends z.ZodType = z.ZodType, NodeId extends string = string> extends NodeBase {
  kind: 'input'
  prompt: StateMapper<string, Input, NodeId>
  /** The answer's shape; approve/reject is a schema too, e.g. `z.object({ approved: z.boolean() })`. */
  schema: Schema
  /** How long to wait for an answer. @default limits.inputTimeoutMs */
  timeoutMs?: number
  /** What happens when nobody answers in time. @default 'fail' */
  onTimeout?: InputTimeoutAction
  /** The answer used on expiry with `onTimeout` `default`; it must fit `schema` (checked at boot). */
  timeoutAnswer?: z.input<Schema>
}

/** Picks the next node: `choose` returns the id of one of this node's edge targets. */
export interface BranchNode<Input = unknown, NodeId extends string = string> extends NodeBase {
  kind: 'branch'
  choose: (state: WorkflowState<Input, NodeId>) => string
}

/**
 * Runs its branches at the same time and continues along its own edge once all finished.
 * A branch is a node id or a list of node ids run in order; those nodes have no edges of their own.
 * Its output maps each branch's last node id to that node's output.
 */
export interface ParallelNode extends NodeBase {
  kind: 'parallel'
  branches: Array<string | string[]>
}

/** What becomes the job's final content: its value is appended to the job's text. */
export interface OutputNode<Input = unknown, NodeId extends string = string> extends NodeBase {
  kind: 'output'
  value: ValueMapper<Input, NodeId>
}

/** Any node. */
export type WorkflowNode<Input = unknown, NodeId extends string = string> =
  | AgentNode<Input, NodeId>
  | ToolNode<Input, NodeId>
  | InputNode<Input, z.ZodType, NodeId>
  | BranchNode<Input, NodeId>
  | ParallelNode
  | OutputNode<Input, NodeId>

/** Every node kind. */
export type WorkflowNodeKind = WorkflowNode['kind']

/** The node kinds, as a list (for validation). */
export const WORKFLOW_NODE_KINDS: readonly WorkflowNodeKind[] = ['agent', 'tool', 'input', 'branch', 'parallel', 'output']

/** A workflow as written in `server/workflows/<name>.ts`. */
export interface WorkflowDefinition<Schema extends z.ZodType = z.ZodType, NodeId extends string = string> {
  /** Unique; what `POST /api/jobs { workflow }` names. */
  name: string
  description: string
  /** Checks the job input; the route answers 400 naming the field when it does not fit. */
  input: Schema
  /** The first node. @default the first node in `nodes` */
  start?: string
  /** Their functions read the input as the job stores it, as JSON (a Date as its ISO text). */
  // The ids are inferred from its keys (defineWorkflow). A node an app leaves out on a condition
  // (`...(flag ? { audit: … } : {})`) is an optional key there: allowed, as before ids were inferred.
  nodes: string extends NodeId
    ? Record<string, WorkflowNode<StoredJson<z.output<Schema>>>>
    : { [Id in NodeId]?: WorkflowNode<StoredJson<z.output<Schema>>, NodeId> }
  /** `[from, to]` pairs. Every node but an output node needs one; only a branch may have several. */
  edges: Array<[from: string, to: string]>
}
