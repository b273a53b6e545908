/**
 * An input node's answer taken by an earlier run of the job (its recorded output, or an answer
 * stored before its node ended), read again by the workflow as registered now: a deploy since may
 * have added a field with a default to the node's schema, which later nodes read
 * (`{{outputs.ask.reviewer}}` failed "does not exist"). The answer keeps what it had, as recorded;
 * a field it lacks is taken from the schema's reading of it (added-fields.ts). An answer the schema
 * refuses now is kept as it is (it was taken by the schema it was asked with) — but one stored
 * before its node ended is asked again instead (nodes/input.ts storedAnswerTaken).
 */
import { withAddedFields } from '../added-fields'
import type { WorkflowNode } from './define'

/** The recorded answer with the fields the node's schema now adds; other nodes' outputs as they are. */
export function recordedAnswerAsReadNow(node: WorkflowNode, answer: unknown): unknown {
  if (node.kind !== 'input') return answer
  try {
    const parsed = node.schema.safeParse(answer)
    return parsed.success ? withAddedFields(answer, parsed.data) : answer
  }
  catch {
    // An async check, or one that throws: the answer as recorded.
    return answer
  }
}
