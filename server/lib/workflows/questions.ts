/**
 * What a workflow will ask the human, for the catalog: each input node with its prompt (when it is
 * fixed text), the JSON Schema of its answer and what happens when nobody answers. A client can
 * show a workflow's questions before starting it.
 */
import type { InputTimeoutAction } from '../../../shared/events'
import type { WorkflowGraph } from './validate'

/** One question of a workflow. */
export interface WorkflowQuestion {
  nodeId: string
  /** The prompt as written; null when a function computes it from the state at run time. */
  prompt: string | null
  /** JSON Schema of the answer (null when zod cannot express it). */
  answerSchema: unknown
  onTimeout: InputTimeoutAction
  /** The node's own wait; null means `limits.inputTimeoutMs`. */
  timeoutMs: number | null
}

/** The questions of a validated workflow, in the order its nodes are written. */
export function workflowQuestions(graph: WorkflowGraph): WorkflowQuestion[] {
  const questions: WorkflowQuestion[] = []
  for (const [nodeId, node] of graph.nodes) {
    if (node.kind !== 'input') continue
    questions.push({
      nodeId,
      prompt: typeof node.prompt === 'string' ? node.prompt : null,
      answerSchema: graph.answerSchemas.get(nodeId)?.read() ?? null,
      onTimeout: node.onTimeout ?? 'fail',
      timeoutMs: node.timeoutMs ?? null,
    })
  }
  return questions
}
