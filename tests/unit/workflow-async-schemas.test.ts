/**
 * A workflow's zod schema with an async refine (a database check, say) cannot run in a synchronous
 * parse: zod throws `Encountered Promise during synchronous parse. Use .parseAsync() instead.` for
 * every value the other checks accept. The error says which schema and what to change: at boot for
 * a timeout answer, in the 400 of POST /api/jobs for the input, in the 400 of an answer.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InvalidAnswerError } from '../../server/lib/errors'
import { compileWorkflow, createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { WorkflowDefinitionError } from '../../server/lib/workflows/validate'
import { startWorkflow } from '../support/workflow-fake-context'

const asyncString = () => z.string().refine(async value => value.length > 0)
const ADVICE = 'has an async refine or transform, which this server cannot run (it parses synchronously); make it synchronous, or check the value in a tool node'

function asking(schema: z.ZodType, extra: Record<string, unknown> = {}, input: z.ZodType = z.object({})) {
  return {
    name: 'async-flow',
    description: 't',
    input,
    nodes: {
      ask: { kind: 'input', prompt: 'Name?', schema, ...extra },
      done: { kind: 'output', value: '{{outputs.ask}}' },
    },
    edges: [['ask', 'done']],
  }
}

describe('async zod schemas in workflows', () => {
  it('a timeout answer checked at boot: the boot error names the workflow, the node and the fix', () => {
    const create = () => createWorkflowRegistry([asking(asyncString(), { onTimeout: 'default', timeoutAnswer: 'nobody' })], { files: ['server/workflows/async-flow.ts'] })
    expect(create).toThrow(WorkflowDefinitionError)
    expect(create).toThrow(`Workflow "async-flow" in server/workflows/async-flow.ts is invalid: the input node "ask" answer schema ${ADVICE}`)
  })

  it('the workflow input: parsing it says which schema and what to change', () => {
    const workflow = compileWorkflow(asking(z.string(), {}, z.object({ topic: asyncString() })))
    expect(() => workflow.parseInput({ topic: 'tides' })).toThrow(`the workflow "async-flow" input schema ${ADVICE}`)
  })

  it('an answer: refused naming the node\'s schema and the fix; the job keeps waiting', async () => {
    const job = startWorkflow(asking(asyncString()), {})
    await job.nextInput()
    let refused: unknown
    try {
      job.answer('Ada')
    }
    catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(InvalidAnswerError)
    expect((refused as Error).message).toBe(`Invalid answer: the input node "ask" answer schema ${ADVICE}`)
    expect(job.state().status).toBe('waiting')
    job.abort()
    await job.done
  })
})
