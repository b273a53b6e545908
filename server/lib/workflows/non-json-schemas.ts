/**
 * Workflow schemas JSON can never fill: the workflow's `input` (POST /api/jobs sends it as JSON)
 * and an input node's answer `schema` (POST …/input sends the answer as JSON). A `z.date()`,
 * `z.bigint()`, `z.map()`… without `z.coerce` there refuses every value a client can send: every
 * start of the workflow, or every answer to the question, was a 400 and a job at that question
 * could only wait for its timeout. Refused at boot, as a tool's `parameters` are
 * (tools/non-json-parameters.ts).
 */
import type { z } from 'zod'
import { nonJsonParametersProblem } from '../tools/non-json-parameters'

/** The problem, or null; a schema zod cannot walk is left to the other checks (never a boot error of its own). */
function problemOf(schema: z.ZodType, wording: Parameters<typeof nonJsonParametersProblem>[1]): string | null {
  try {
    return nonJsonParametersProblem(schema, wording)
  }
  catch {
    return null
  }
}

/** Why the workflow's `input` schema can never be filled by a JSON input, or null. */
export function nonJsonInputProblem(schema: z.ZodType): string | null {
  return problemOf(schema, {
    has: '`input` has',
    whole: 'the input',
    never: 'a workflow input can never be (POST /api/jobs sends it as JSON, so every start would be refused)',
  })
}

/** Why an input node's answer `schema` can never be filled by a JSON answer, or null. */
export function nonJsonAnswerProblem(nodeId: string, schema: z.ZodType): string | null {
  return problemOf(schema, {
    has: `input node "${nodeId}" has an answer \`schema\` with`,
    whole: 'the answer',
    never: 'an answer can never be (answers are sent as JSON, so every answer would be refused)',
  })
}
