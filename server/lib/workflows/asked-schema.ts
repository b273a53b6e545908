/**
 * Whether an input node's question was asked with the answer schema the workflow has here: a
 * deploy since the question was asked may have changed it, and then this server's schema reads an
 * answer otherwise than the one that took it (answer-as-read.ts, nodes/input.ts).
 */
import { isDeepStrictEqual } from 'node:util'
import type { WorkflowGraph } from './validate'

/** True when `askedSchema` (the JSON Schema the question's `input-request` carried) is the node's here, compared as a store keeps them. */
export function askedWithSchemaHere(graph: Pick<WorkflowGraph, 'answerSchemas'>, nodeId: string, askedSchema: unknown): boolean {
  return isDeepStrictEqual(asJson(askedSchema), asJson(graph.answerSchemas.get(nodeId)?.read() ?? undefined))
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value)) as unknown
}
