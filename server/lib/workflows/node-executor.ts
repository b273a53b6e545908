/**
 * What every node kind's executor receives, and returns: the node's output (JSON-serialisable,
 * because it is recorded in the `node-end` event and reused when the job resumes elsewhere).
 */
import type { JobFailure } from '../run-context'
import type { WorkflowNode, WorkflowState } from './define'
import type { NodeContext } from './node-context'
import type { ResumeCursor, StoredAnswer } from './resume'
import type { WorkflowGraph } from './validate'

/** Runs another node of the same workflow (used by the parallel node for its branches). */
export type RunChildNode = (nodeId: string, parentSignal: AbortSignal, options: RunNodeOptions) => Promise<unknown>

/** How a node is run; `cursor` is the log position of the node before it on its path (resume). */
export interface RunNodeOptions {
  holdText: boolean
  cursor?: ResumeCursor
  /** Told at once when the node fails (a parallel node cancels the other branches before they go on). */
  onFailed?: (failure: JobFailure) => void
}

/** One node's run. */
export interface NodeEnvironment<Node extends WorkflowNode = WorkflowNode> {
  nodeId: string
  node: Node
  /** The node's context: its signal combines job abort and the node's time limit. */
  context: NodeContext
  /** Live view of the workflow's state (outputs of nodes finished so far). */
  state: WorkflowState
  graph: WorkflowGraph
  workflowName: string
  runChild: RunChildNode
  /** Where this node's own latest start is in the resumed log (its children may reuse what came after). */
  resumeAfter: number
  /** The node's text is held until it ends (a parallel node's branch, node-context.ts). */
  holdText: boolean
  /** An input node's answer the earlier run stored before it was cut off (resume.ts): taken instead of asking. */
  storedAnswer?: StoredAnswer
  /**
   * Calls the author's function (`choose`, a `prompt`, `args` or `value` function) as code of
   * this node run, so an error it leaves behind (a throw in a timer, a rejection nobody handles)
   * names the workflow, the node and the job (tools/stray-errors.ts).
   */
  authorCode: AuthorCode
}

/** Runs an author's function as code of the node run. */
export type AuthorCode = <T>(run: () => T) => T

/** An executor of one node kind. */
export type NodeExecutor<Node extends WorkflowNode = WorkflowNode> = (environment: NodeEnvironment<Node>) => Promise<unknown>
