/**
 * A workflow job as the demo shows it: its result first, then every step it took — a node that
 * ran again (a redraft after a rejection) is listed each time. Pure, so it is unit-tested.
 */
import type { JobState, NodeState } from '../../../shared/reducer'
import { humanize } from './schema-form'
import { isStoppedNode } from './stopped'

/** One run of one node. */
export interface WorkflowVisit {
  /** Unique per visit (`draft#2`). */
  key: string
  nodeId: string
  /** `Draft`, `Draft (2nd time)`. */
  label: string
  kind: string
  /** `stopped`: still running (or waiting) when the user stopped the job (lib/stopped.ts). */
  status: NodeState['status'] | 'stopped'
  /** Only the latest visit of a node has its output and times (the state keeps the last one). */
  output?: unknown
  error?: string
  durationMs?: number
  current: boolean
}

/** `2nd`, `3rd`, `11th`, `21st`, `112th`. */
function ordinal(count: number): string {
  const teen = count % 100 >= 11 && count % 100 <= 13
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[count % 10] ?? 'th'
  return `${count}${suffix}`
}

function visitLabel(nodeId: string, visit: number): string {
  if (visit === 1) return humanize(nodeId)
  return `${humanize(nodeId)} (${ordinal(visit)} time)`
}

/** Every node visit in the order they started. */
export function workflowVisits(state: JobState | null): WorkflowVisit[] {
  if (!state) return []
  const total = new Map<string, number>()
  for (const nodeId of state.executionOrder) total.set(nodeId, (total.get(nodeId) ?? 0) + 1)
  const seen = new Map<string, number>()
  return state.executionOrder.flatMap((nodeId) => {
    const node = state.nodeStates[nodeId]
    if (!node) return []
    const visit = (seen.get(nodeId) ?? 0) + 1
    seen.set(nodeId, visit)
    const latest = visit === total.get(nodeId)
    const stopped = latest && isStoppedNode(node)
    return [{
      key: `${nodeId}#${visit}`,
      nodeId,
      label: visitLabel(nodeId, visit),
      kind: node.kind,
      // An earlier visit of a node that ran again had finished.
      status: stopped ? 'stopped' : latest ? node.status : 'completed',
      // A stopped node's error is only how the job ended (`job aborted`): the status says it.
      ...(latest ? { output: node.output, ...(stopped ? {} : { error: node.error }) } : {}),
      ...(latest && node.endedAt ? { durationMs: node.endedAt - node.startedAt } : {}),
      current: latest && state.currentNodeId === nodeId,
    }]
  })
}

/** The workflow's result: the output of the last `output` node that completed, if any. */
export function workflowResult(state: JobState | null): unknown {
  if (!state) return undefined
  for (const nodeId of [...state.executionOrder].reverse()) {
    const node = state.nodeStates[nodeId]
    if (node?.kind === 'output' && node.status === 'completed') return node.output
  }
  return undefined
}

/** The newest finished agent output (e.g. the draft an input request asks about). */
export function latestAgentOutput(state: JobState | null): { nodeId: string, label: string, text: string } | null {
  if (!state) return null
  for (const nodeId of [...state.executionOrder].reverse()) {
    const node = state.nodeStates[nodeId]
    if (node?.kind === 'agent' && node.status === 'completed' && typeof node.output === 'string' && node.output) {
      return { nodeId, label: humanize(nodeId), text: node.output }
    }
  }
  return null
}

/** A result as Markdown: text as it is, anything else as a JSON code block. */
export function resultMarkdown(value: unknown): string {
  if (typeof value === 'string') return value
  return `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``
}
