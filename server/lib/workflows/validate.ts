/**
 * Boot-time validation of a workflow definition: the fields, every node, the edges (unknown nodes,
 * missing edges, unreachable nodes) and loops (a cycle needs a branch with an edge out of it).
 * Returns the graph the runner walks; throws `WorkflowDefinitionError` naming the workflow.
 */
import type { WorkflowDefinition, WorkflowNode } from './define'
import { findCycles } from './find-cycles'
import { checkNodeFields } from './validate-node'
import type { FormSchema } from './form-schema'
import { takesMissingAnswer } from './optional-answer'
import { createFormSchema } from './form-schema'
import { isZodSchema, zodSchemaProblem } from '../zod-schema'
import { nonJsonInputProblem } from './non-json-schemas'
import { unknownKeyProblem, WORKFLOW_DEFINITION_KEYS } from './definition-keys'

const WORKFLOW_NAME = /^[a-z0-9][\w-]*$/i

/** A definition that cannot run; the message names the workflow and the problem. */
export class WorkflowDefinitionError extends Error {
  override readonly name = 'WorkflowDefinitionError'
  constructor(readonly workflow: string, readonly problem: string, readonly file?: string) {
    super(`Workflow "${workflow}"${file ? ` in ${file}` : ''} is invalid: ${problem}`)
  }
}

/** What the runner walks. */
export interface WorkflowGraph {
  start: string
  nodes: ReadonlyMap<string, WorkflowNode>
  /** Edge targets of each node, in the order the edges were written. */
  successors: ReadonlyMap<string, readonly string[]>
  /** JSON Schema of each input node's answer, read when handed out (form-schema.ts). */
  answerSchemas: ReadonlyMap<string, FormSchema>
}

/** Options of the validation. */
export interface ValidateOptions {
  /** Registered tool names; when given, tool and agent nodes may name only these. */
  toolNames?: readonly string[]
  /** Registered tools with `runtime: 'client'`: they never run in a job, so a tool node may not name one. */
  clientToolNames?: readonly string[]
}

/** Checks a definition and builds its graph. */
export function validateWorkflowDefinition(value: unknown, options: ValidateOptions = {}): { definition: WorkflowDefinition, graph: WorkflowGraph } {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Partial<WorkflowDefinition>
  const name = typeof raw.name === 'string' && raw.name ? raw.name : '(unnamed)'
  const fail = (problem: string): never => {
    throw new WorkflowDefinitionError(name, problem)
  }
  if (typeof value !== 'object' || value === null) fail('the definition is not an object (export default defineWorkflow({ … }))')
  // Read as one definition, a list was refused as having no valid name.
  if (Array.isArray(value)) fail(`a workflow file default-exports one workflow, got a list of ${value.length}: put each defineWorkflow({ … }) in a file of its own in server/workflows/`)
  if ('parameters' in raw && 'execute' in raw && !('nodes' in raw)) fail('this is a tool definition (it has parameters and execute): tool files go in server/tools/, default-exporting defineTool')
  if (!WORKFLOW_NAME.test(raw.name ?? '')) fail('name must be letters, digits, "-" or "_"')
  const unknownKey = unknownKeyProblem(raw, WORKFLOW_DEFINITION_KEYS, 'the definition')
  if (unknownKey) fail(unknownKey)
  if (raw.description === undefined) fail('a description is required (a string: GET /api/jobs/catalog shows it, to pick the workflow by)')
  if (typeof raw.description !== 'string') fail('description must be a string')
  if (!isZodSchema(raw.input)) fail(zodSchemaProblem(raw.input, '`input`', 'z.object({ topic: z.string() })'))
  const inputNotJson = nonJsonInputProblem(raw.input!)
  if (inputNotJson) fail(inputNotJson)
  // A list of `{ id, kind }` objects was read as nodes "0", "1"…, and its `id` refused as a node key.
  if (Array.isArray(raw.nodes)) fail(`nodes must be an object keyed by node id ({ ${listedNodeId(raw.nodes)}: { kind: '${listedNodeKind(raw.nodes)}', … } }), not a list`)
  if (typeof raw.nodes !== 'object' || raw.nodes === null || Object.keys(raw.nodes).length === 0) fail('nodes must name at least one node')
  if (!Array.isArray(raw.edges)) fail('edges must be a list of [from, to] pairs')

  const definition = raw as WorkflowDefinition
  const nodes = new Map(Object.entries(definition.nodes))
  const nodeIds = new Set(nodes.keys())
  const toolNames = options.toolNames ? new Set(options.toolNames) : undefined
  const answerSchemaOf = (nodeId: string) => {
    const node = nodes.get(nodeId) as { kind?: unknown, schema?: unknown } | undefined
    return node?.kind === 'input' ? node.schema : undefined
  }
  for (const [id, node] of nodes) {
    const problem = checkNodeFields(id, node, { nodeIds, toolNames, clientToolNames: new Set(options.clientToolNames), inputSchema: raw.input, answerSchemaOf })
    if (problem) fail(problem)
  }

  const members = parallelMembers(nodes, fail)
  const successors = new Map<string, string[]>([...nodeIds].filter(id => !members.has(id)).map(id => [id, []]))
  // Each edge once, found in a set (a branch node's list of targets, searched per edge, was quadratic).
  const seenEdges = new Set<string>()
  for (const edge of definition.edges) {
    if (!Array.isArray(edge) || edge.length !== 2 || typeof edge[0] !== 'string' || typeof edge[1] !== 'string') fail(`edge ${JSON.stringify(edge)} is not a [from, to] pair of node ids`)
    const [from, to] = edge
    for (const end of [from, to]) {
      if (!nodeIds.has(end)) fail(`edge ${from} → ${to} names unknown node "${end}"`)
      if (members.has(end)) fail(`edge ${from} → ${to} touches "${end}", which is a branch of parallel node "${members.get(end)}" (branches have no edges)`)
    }
    const key = JSON.stringify(edge)
    if (seenEdges.has(key)) fail(`edge ${from} → ${to} is listed twice`)
    seenEdges.add(key)
    successors.get(from)!.push(to)
  }

  for (const [id, targets] of successors) {
    const kind = nodes.get(id)!.kind
    if (kind === 'branch' && targets.length === 0) fail(`missing edge: branch node "${id}" has no outgoing edge`)
    if (kind !== 'branch' && targets.length > 1) fail(`node "${id}" has ${targets.length} outgoing edges (${targets.join(', ')}); only a branch node may choose between several`)
    if (kind !== 'branch' && kind !== 'output' && targets.length === 0) fail(`missing edge: node "${id}" has no outgoing edge; only an output node may end a workflow`)
  }

  const start = definition.start ?? [...successors.keys()][0]
  if (start === undefined || !nodeIds.has(start)) fail(`start ${JSON.stringify(start)} names no node of this workflow (its nodes: ${[...nodeIds].join(', ')})`)
  if (members.has(start!)) fail(`start "${start}" is a branch of parallel node "${members.get(start!)}"; start at "${members.get(start!)}" instead`)
  // Before reachability: a loop without an exit also strands the nodes after it, and the loop is the cause.
  for (const cycle of findCycles(successors)) {
    const inCycle = new Set(cycle)
    const exit = cycle.some(id => nodes.get(id)!.kind === 'branch' && successors.get(id)!.some(target => !inCycle.has(target)))
    if (!exit) fail(`cycle ${[...cycle, cycle[0]].join(' → ')} has no exit; a loop needs a branch node with an edge out of it`)
  }

  const reached = reachable(start!, successors)
  for (const id of successors.keys()) {
    if (!reached.has(id)) fail(`node "${id}" is unreachable from the start node "${start}" (missing edge?)`)
  }

  const answerSchemas = new Map<string, FormSchema>()
  for (const [id, node] of nodes) {
    if (node.kind === 'input') answerSchemas.set(id, createFormSchema(node.schema, { nullable: takesMissingAnswer(node.schema) }))
  }
  return { definition, graph: { start: start!, nodes, successors, answerSchemas } }
}

/** Maps each node that is a branch of a parallel node to that parallel node. */
function parallelMembers(nodes: ReadonlyMap<string, WorkflowNode>, fail: (problem: string) => never): Map<string, string> {
  const members = new Map<string, string>()
  for (const [id, node] of nodes) {
    if (node.kind !== 'parallel') continue
    for (const branch of node.branches) {
      const sequence = Array.isArray(branch) ? branch : [branch]
      if (sequence.length === 0) fail(`parallel node "${id}" has an empty branch`)
      for (const member of sequence) {
        const kind = nodes.get(member)?.kind
        if (!kind) fail(`parallel node "${id}" names unknown node "${member}"`)
        if (kind === 'branch' || kind === 'parallel' || kind === 'output') fail(`parallel node "${id}" runs "${member}", a ${kind} node; branches may run agent, tool and input nodes`)
        if (members.get(member) === id) fail(`parallel node "${id}" lists "${member}" twice; a node runs in one branch, once`)
        if (members.has(member)) fail(`node "${member}" is a branch of both "${members.get(member)}" and "${id}"`)
        members.set(member, id)
      }
    }
  }
  return members
}

function reachable(start: string, successors: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>([start])
  const queue = [start]
  while (queue.length) {
    for (const next of successors.get(queue.shift()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
    }
  }
  return seen
}

/** The id of a node list's first item, for the example of the object it should be. */
function listedNodeId(list: unknown[]): string {
  const id = (list[0] as { id?: unknown } | undefined)?.id
  return typeof id === 'string' && /^[A-Za-z_$][\w$]*$/.test(id) ? id : 'research'
}

/** The kind of a node list's first item, for the same example. */
function listedNodeKind(list: unknown[]): string {
  const kind = (list[0] as { kind?: unknown } | undefined)?.kind
  return typeof kind === 'string' && /^\w+$/.test(kind) ? kind : 'agent'
}
