/**
 * An answer as a workflow's input node reads it: parsed by the node's schema, as the job stored it
 * when it took the answer. The same answer sent again (the retry of a `503` or of a lost response)
 * is compared with the stored one this way (stored-answer.ts `answeredAlike`): a schema that fills
 * in a default, trims text or coerces a number stores another value than the one sent.
 */
import type { JobRequest } from '../providers/types'
import { parseAnswer } from './nodes/input'
import { isCompiledWorkflow } from './registry'
import { askedWithSchemaHere } from './asked-schema'
import type { WorkflowRegistry } from './types'

/**
 * The answer as the node `nodeId` reads it, as JSON (`refused`: the node would refuse it);
 * undefined when this workflow has no such input node here, or one whose answer schema is not
 * `askedSchema` (the JSON Schema its question was asked with: a deploy changed it since, and the
 * schema here would read the answer otherwise than the one that took it): no judgement.
 */
export type ReadWorkflowAnswer = (nodeId: string, answer: unknown, askedSchema?: unknown) => { read: unknown } | { refused: true } | undefined

/** How the job's workflow reads its answers; undefined for a chat, or a workflow not registered here. */
export function workflowAnswerReader(workflows: Pick<WorkflowRegistry, 'get'> | undefined, request: Pick<JobRequest, 'type'> & { workflow?: unknown } | undefined): ReadWorkflowAnswer | undefined {
  if (!workflows || request?.type !== 'workflow' || typeof request.workflow !== 'string') return undefined
  const workflow = workflows.get(request.workflow)
  if (!workflow || !isCompiledWorkflow(workflow)) return undefined
  return (nodeId, answer, askedSchema) => {
    const node = workflow.graph.nodes.get(nodeId)
    if (node?.kind !== 'input') return undefined
    // As the input request carried it (input.ts), compared as a store keeps it.
    if (!askedWithSchemaHere(workflow.graph, nodeId, askedSchema)) return undefined
    try {
      const read = parseAnswer(node.schema, answer, `input node "${nodeId}" answer`)
      return { read: read === undefined ? undefined : JSON.parse(JSON.stringify(read)) as unknown }
    }
    catch {
      return { refused: true }
    }
  }
}
