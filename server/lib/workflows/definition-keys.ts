/**
 * The keys a workflow definition and each kind of node have. A key outside them is a typo the
 * runner would silently ignore: `onTimeOut: 'default'` failed the job when nobody answered,
 * `arguments: { … }` on a tool node called the tool with `{}`, `startNode: 'x'` started at the
 * first node. TypeScript flags them only where the app type-checks (`nuxt build` does not; a `.js`
 * workflow file never), so the validator refuses them, naming the closest key.
 */
import { closestName } from '../closest-name'
import type { AgentNode, BranchNode, InputNode, OutputNode, ParallelNode, ToolNode, WorkflowDefinition, WorkflowNodeKind } from './define'

/** Every key of `WorkflowDefinition`. */
export const WORKFLOW_DEFINITION_KEYS = ['name', 'description', 'input', 'start', 'nodes', 'edges'] as const satisfies readonly (keyof WorkflowDefinition)[]

/** Every key of each kind of node. */
export const NODE_KEYS = {
  agent: ['kind', 'description', 'instructions', 'prompt', 'model', 'tools', 'maxSteps'] as const satisfies readonly (keyof AgentNode)[],
  tool: ['kind', 'description', 'tool', 'args', 'continueOnError'] as const satisfies readonly (keyof ToolNode)[],
  input: ['kind', 'description', 'prompt', 'schema', 'timeoutMs', 'onTimeout', 'timeoutAnswer'] as const satisfies readonly (keyof InputNode)[],
  branch: ['kind', 'description', 'choose'] as const satisfies readonly (keyof BranchNode)[],
  parallel: ['kind', 'description', 'branches'] as const satisfies readonly (keyof ParallelNode)[],
  output: ['kind', 'description', 'value'] as const satisfies readonly (keyof OutputNode)[],
} satisfies Record<WorkflowNodeKind, readonly string[]>

/** `unknown key …` for the first key of `value` not in `known`, or null. */
export function unknownKeyProblem(value: object, known: readonly string[], what: string): string | null {
  const unknown = Object.keys(value).find(key => !known.includes(key))
  if (unknown === undefined) return null
  const closest = closestName(unknown, known, 3)
  return `${what} has unknown key \`${unknown}\`${closest ? ` (did you mean \`${closest}\`?)` : ''}; it takes ${known.join(', ')}`
}
