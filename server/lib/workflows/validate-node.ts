/**
 * Boot-time checks of one node's fields. Each returns the problem as a sentence naming the node,
 * or null when the node is fine; the workflow validator adds the workflow's name.
 */
import type { z } from 'zod'
import type { WorkflowNode } from './define'
import { WORKFLOW_NODE_KINDS } from './define'
import type { InputTimeoutAction } from '../../../shared/events'
import { collectTemplatePaths, TEMPLATE_ROOTS } from './resolve-inputs'
import { describeIssues } from '../describe-issues'
import { nonJsonAnswerProblem } from './non-json-schemas'
import { NODE_KEYS, unknownKeyProblem } from './definition-keys'
import { unknownToolProblem } from './unknown-tool'
import { describeThrown } from '../executor/tool-errors'
import { closestName } from '../closest-name'
import { undeclaredName } from './declared-input'
import { AsyncSchemaError, isZodSchema, safeParseSync, zodSchemaProblem } from '../zod-schema'
import { nullsAsAbsent } from '../tools/nulls-as-absent'

/** What a node check needs to know about the rest of the workflow. */
export interface NodeCheckScope {
  nodeIds: ReadonlySet<string>
  /** Registered tool names; unknown (no check) when undefined. */
  toolNames?: ReadonlySet<string>
  /** Registered `runtime: 'client'` tools (a tool node naming one could never succeed). */
  clientToolNames?: ReadonlySet<string>
  /** The workflow's input schema: `{{input.…}}` must name fields it declares (when it can tell). */
  inputSchema?: unknown
  /** An input node's answer schema: `{{outputs.<node>.…}}` must name fields it declares. */
  answerSchemaOf?: (nodeId: string) => unknown
}

const isText = (value: unknown) => typeof value === 'string' || typeof value === 'function'

/** Every `onTimeout` an input request knows. */
export const INPUT_TIMEOUT_ACTIONS = ['fail', 'abort', 'default', 'approve', 'deny'] as const satisfies readonly InputTimeoutAction[]

/** The longest delay a Node.js timer keeps (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647

const isPositiveInteger = (value: unknown, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(value) && (value as number) > 0 && (value as number) <= max

/** The problem with a node's fields, or null. */
export function checkNodeFields(id: string, node: unknown, scope: NodeCheckScope): string | null {
  if (typeof node !== 'object' || node === null) return `node "${id}" is not an object`
  const kind = (node as { kind?: unknown }).kind
  if (!WORKFLOW_NODE_KINDS.includes(kind as WorkflowNode['kind'])) {
    return `node "${id}" has unknown kind ${JSON.stringify(kind)} (expected one of ${WORKFLOW_NODE_KINDS.join(', ')})`
  }
  const typed = node as WorkflowNode
  const unknownKey = unknownKeyProblem(typed, NODE_KEYS[typed.kind], `${typed.kind} node "${id}"`)
  if (unknownKey) return unknownKey
  switch (typed.kind) {
    case 'agent':
      if (!isText(typed.instructions)) return `agent node "${id}" needs instructions (a string or a function)`
      if (typed.prompt !== undefined && !isText(typed.prompt)) return `agent node "${id}" has a prompt that is neither a string nor a function`
      if (typed.maxSteps !== undefined && !isPositiveInteger(typed.maxSteps)) return `agent node "${id}" has maxSteps ${JSON.stringify(typed.maxSteps)}; it must be a whole number above 0`
      if (typed.tools !== undefined && (!Array.isArray(typed.tools) || typed.tools.some(tool => typeof tool !== 'string'))) return `agent node "${id}" has tools that are not a list of tool names`
      for (const tool of typed.tools ?? []) {
        if (scope.toolNames && !scope.toolNames.has(tool)) return unknownToolProblem(`agent node "${id}"`, tool, scope.toolNames)
      }
      return checkTemplates(id, [typed.instructions, typed.prompt], scope)
    case 'tool':
      if (typeof typed.tool !== 'string' || !typed.tool) return `tool node "${id}" needs the name of a tool`
      if (scope.toolNames && !scope.toolNames.has(typed.tool)) return unknownToolProblem(`tool node "${id}"`, typed.tool, scope.toolNames)
      if (scope.clientToolNames?.has(typed.tool)) return `tool node "${id}" names "${typed.tool}", a runtime: 'client' tool: it runs in the user's browser, never in a job, so the node could only fail; call a server tool here`
      return checkTemplates(id, [typed.args], scope)
    case 'input':
      if (!isText(typed.prompt)) return `input node "${id}" needs a prompt`
      if (typeof typed.prompt === 'string' && !typed.prompt.trim()) return `input node "${id}" has a blank prompt: the person would be asked nothing (write the question)`
      if (!isZodSchema(typed.schema)) return `input node "${id}" needs a zod schema for its answer: ${zodSchemaProblem(typed.schema, '`schema`', 'z.object({ approved: z.boolean() })')}`
      if (typed.onTimeout !== undefined && !INPUT_TIMEOUT_ACTIONS.includes(typed.onTimeout)) {
        return `input node "${id}" has onTimeout ${JSON.stringify(typed.onTimeout)} (expected one of ${INPUT_TIMEOUT_ACTIONS.join(', ')})`
      }
      if (typed.timeoutMs !== undefined && !isPositiveInteger(typed.timeoutMs, MAX_TIMER_MS)) {
        return `input node "${id}" has timeoutMs ${JSON.stringify(typed.timeoutMs)}; it must be a whole number of milliseconds above 0 and at most ${MAX_TIMER_MS} (a longer timer would fire at once)`
      }
      return nonJsonAnswerProblem(id, typed.schema) ?? checkTimeoutAnswer(id, typed) ?? checkTemplates(id, [typed.prompt], scope)
    case 'branch':
      return typeof typed.choose === 'function' ? null : `branch node "${id}" needs a choose(state) function`
    case 'parallel':
      if (!Array.isArray(typed.branches) || typed.branches.length === 0) return `parallel node "${id}" needs at least one branch`
      return null
    case 'output':
      if (typed.value === undefined) return `output node "${id}" needs a value`
      return checkTemplates(id, [typed.value], scope)
  }
}

/**
 * The answer applied on expiry must fit the schema, or the workflow would fail later, unseen; and
 * a `timeoutAnswer` needs an `onTimeout` that applies it.
 */
function checkTimeoutAnswer(id: string, node: Extract<WorkflowNode, { kind: 'input' }>): string | null {
  const action = node.onTimeout ?? 'fail'
  if (action === 'fail' || action === 'abort') {
    // Written to be used, never used: nobody's answer in time would fail the job instead. Refused
    // only when onTimeout is left out (the default `fail` is almost surely not what was meant); an
    // onTimeout written out says what the node does — maybe chosen per environment — so that case
    // is a boot warning (wait-warnings.ts).
    if (node.timeoutAnswer === undefined || node.onTimeout !== undefined) return null
    return `input node "${id}" has a timeoutAnswer, which onTimeout "fail" (the default) never uses: set onTimeout: 'default' to go on with it when nobody answers, or remove it`
  }
  const answer = node.timeoutAnswer !== undefined ? node.timeoutAnswer : action === 'default' ? null : action
  let parsed: ReturnType<z.ZodType['safeParse']>
  try {
    // Read as a person's answer is (nodes/input.ts): a null for an optional field is that field left out.
    parsed = safeParseSync(node.schema, nullsAsAbsent(node.schema, answer), `input node "${id}" answer`)
    // An optional question: null is the answer left out, as the node reads it (nodes/input.ts).
    if (!parsed.success && answer === null && safeParseSync(node.schema, undefined, `input node "${id}" answer`).success) return null
  }
  catch (error) {
    if (error instanceof AsyncSchemaError) return error.message
    // A refine or transform that throws (`a.feedback.length` on an answer without feedback) is a
    // bug of the definition: named here, not thrown as a bare TypeError that names no workflow.
    return `input node "${id}" has onTimeout "${action}" but its schema threw while checking its timeout answer ${JSON.stringify(answer)}: ${describeThrown(error)} (a refine or transform must return, not throw)`
  }
  if (parsed.success) return null
  // Named as written in the node (`timeoutAnswer.approved`), or as the answer onTimeout takes
  // (`answer` for 'approve'), not `(root)`.
  const field = node.timeoutAnswer !== undefined ? 'timeoutAnswer' : 'answer'
  if (node.timeoutAnswer === undefined && action === 'default') {
    return `input node "${id}" has onTimeout "default" but no timeoutAnswer, so a timeout would answer null, which does not fit its schema (${describeIssues(parsed.error, field, true)}): set timeoutAnswer to the answer to go on with`
  }
  return `input node "${id}" has onTimeout "${action}" but its timeout answer ${JSON.stringify(answer)} does not fit its schema (${describeIssues(parsed.error, field, true)})`
}

function checkTemplates(id: string, values: unknown[], scope: NodeCheckScope): string | null {
  for (const path of values.flatMap(collectTemplatePaths)) {
    const [root, nodeId] = path.split('.')
    if (!TEMPLATE_ROOTS.includes(root as typeof TEMPLATE_ROOTS[number])) {
      return `node "${id}" uses {{${path}}}, which must start with ${TEMPLATE_ROOTS.join(', ')}`
    }
    if (root !== 'input' && nodeId !== undefined && !scope.nodeIds.has(nodeId)) {
      return `node "${id}" uses {{${path}}}, which names unknown node "${nodeId}"`
    }
    const fieldProblem = undeclaredFieldProblem(id, path, scope)
    if (fieldProblem) return fieldProblem
  }
  return null
}

/** `{{input.topik}}`, or a field an input node's answer has no room for: it could only fail the node when it runs. */
function undeclaredFieldProblem(id: string, path: string, scope: NodeCheckScope): string | null {
  const [root, nodeId, ...below] = path.split('.')
  const [schema, fields, what] = root === 'input'
    ? [scope.inputSchema, path.split('.').slice(1), 'the workflow\'s input schema']
    : root === 'outputs' && nodeId !== undefined ? [scope.answerSchemaOf?.(nodeId), below, `the answer schema of input node "${nodeId}"`] : [undefined, [], '']
  const undeclared = schema === undefined ? undefined : undeclaredName(schema, fields)
  if (!undeclared) return null
  const suggestion = closestName(undeclared.name, undeclared.declared, 3)
  const hint = suggestion ? `did you mean "${suggestion}"?` : undeclared.declared.length > 0 ? `it declares ${undeclared.declared.map(name => `"${name}"`).join(', ')}` : 'it declares none'
  return `node "${id}" uses {{${path}}}, but ${what} declares no "${undeclared.name}" there (${hint}), so the node could only fail`
}
