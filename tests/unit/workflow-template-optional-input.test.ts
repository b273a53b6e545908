/**
 * A workflow's input schema declares an optional field (`note: z.string().optional()`) and a node's
 * template names it (`'Notes: {{input.note}}'`). A start without it is valid (the route took it,
 * 202), but the node failed the job: `{{input.note}}: "note" does not exist`. The same for an
 * answer: a reviewer who left the optional `feedback` out failed the job at the node reading
 * `{{outputs.approval.feedback}}`. A field the schema declares reads as nothing when it was left
 * out ('' in text); a name it does not declare (a typo) is refused at boot
 * (workflow-template-undeclared-field.test.ts), and functions of the state
 * read `undefined` as before. Inside an optional object the start (or an answer) left out
 * (`{{input.extra.depth}}`), a path its schema declares read `"depth" does not exist` and failed the
 * job the route had accepted: it reads as nothing too.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { reduceEvents } from '../../shared/reducer'
import { startWorkflow } from '../support/workflow-fake-context'

const input = z.object({
  topic: z.string(),
  note: z.string().optional(),
  options: z.object({ depth: z.number().optional(), lang: z.string().default('en') }).default({ lang: 'en' }),
  extra: z.object({ depth: z.number(), style: z.object({ tone: z.string() }).optional() }).optional(),
})

const research = (value: string) => defineWorkflow({
  name: 'research',
  description: 'optional fields in templates',
  input,
  nodes: { out: { kind: 'output', value } },
  edges: [],
})

describe('a template naming an optional input field the start left out', () => {
  it('reads as nothing, at the top and inside a nested object', async () => {
    const job = startWorkflow(research('{{input.topic}}|{{input.note}}|{{input.options.depth}}|{{input.options.lang}}'), { topic: 'cats' })
    await job.done
    expect(String(job.error())).toBe('undefined')
    expect(job.state().content).toBe('cats|||en')
  })

  it('reads as nothing inside an optional object the start left out, at any depth', async () => {
    const job = startWorkflow(research('{{input.topic}}|{{input.extra.depth}}|{{input.extra.style.tone}}|{{input.extra}}'), { topic: 'cats' })
    await job.done
    expect(String(job.error())).toBe('undefined')
    expect(job.state().content).toBe('cats|||')
  })

  // An output node's value that is one such template failed the job, blaming a value function it did not have.
  it('as an output node\'s whole value, writes nothing and records \'\'', async () => {
    const job = startWorkflow(research('{{input.note}}'), { topic: 'cats' })
    await job.done
    expect(String(job.error())).toBe('undefined')
    expect(job.state().content).toBe('')
    expect(job.state().nodeStates.out).toMatchObject({ status: 'completed', output: '' })
  })

  it('reads as nothing inside an optional object an answer left out', async () => {
    const review = defineWorkflow({
      name: 'review-nested',
      description: 'an optional nested object in an answer',
      input: z.object({}),
      nodes: {
        approval: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean(), details: z.object({ reason: z.string() }).optional() }) },
        out: { kind: 'output', value: 'approved {{outputs.approval.approved}}, reason: {{outputs.approval.details.reason}}' },
      },
      edges: [['approval', 'out']],
    })
    const job = startWorkflow(review, {})
    await job.nextInput()
    job.answer({ approved: true })
    await job.done
    expect(String(job.error())).toBe('undefined')
    expect(job.state().content).toBe('approved true, reason: ')
  })

  it('reads as nothing in an answer that left it out, in this run and in one resumed from the log', async () => {
    const review = defineWorkflow({
      name: 'review',
      description: 'an optional feedback in a template',
      input: z.object({}),
      nodes: {
        approval: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean(), feedback: z.string().optional() }) },
        go: { kind: 'input', prompt: 'Go?', schema: z.boolean() },
        out: { kind: 'output', value: 'approved {{outputs.approval.approved}}, feedback: {{outputs.approval.feedback}}' },
      },
      edges: [['approval', 'go'], ['go', 'out']],
    })
    const job = startWorkflow(review, {})
    await job.nextInput()
    job.answer({ approved: true })
    await job.nextInput()
    const resumedFrom = job.state()
    job.answer(true)
    await job.done
    expect(String(job.error())).toBe('undefined')
    expect(job.state().content).toBe('approved true, feedback: ')
    expect(job.state().nodeStates.approval!.output).toEqual({ approved: true })

    // Taken over while `go` waits: the answer to `approval` is read from the log.
    const open = resumedFrom.pendingInputs[0]!
    const voided = reduceEvents(resumedFrom, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: resumedFrom.seq + 1, at: 0 }])
    const resumed = startWorkflow(review, {}, { resumedFrom: voided })
    await resumed.nextInput()
    resumed.answer(true)
    await resumed.done
    expect(String(resumed.error())).toBe('undefined')
    expect(resumed.state().content).toBe('approved true, feedback: ')
  })
})
