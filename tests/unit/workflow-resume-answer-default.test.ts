/**
 * Rolling deploy: the new version adds a field with a default to an input node's answer schema
 * (`reviewer: z.string().default('team')`) and a later node that reads it, while jobs of the old
 * version that had their answer run a later step. The instance that takes such a job over reuses
 * the recorded answer (the question is not asked twice), as the old schema returned it: without
 * the field. Before, the node reading it failed the job after the human had answered:
 * `Node "out" failed: {{outputs.ask.reviewer}}: "reviewer" does not exist`. A field the recorded
 * answer lacks is now taken from the new schema's reading of it (its default); the fields it has
 * are read as recorded.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { startWorkflow } from '../support/workflow-fake-context'

/** The publish call in flight, ended by the test. */
const gate: { release?: () => void } = {}

/** Resolves once the publish call runs, and returns the function that ends it. */
async function publishing(): Promise<() => void> {
  while (!gate.release) await new Promise(resolve => setImmediate(resolve))
  return gate.release
}
const publish = defineTool({ name: 'publish', description: 'publishes, slowly', parameters: z.object({}), execute: () => new Promise<string>((resolve) => {
  gate.release = () => resolve('published')
}) })

const before = defineWorkflow({
  name: 'release',
  description: 'v1',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Ship it?', schema: z.object({ ok: z.boolean() }) },
    work: { kind: 'tool', tool: 'publish' },
    out: { kind: 'output', value: '{{outputs.work}} ok {{outputs.ask.ok}}' },
  },
  edges: [['ask', 'work'], ['work', 'out']],
})

/** v2, deployed while jobs of v1 ran `work`: the answer has a reviewer, defaulted, and `out` names it. */
const after = defineWorkflow({
  name: 'release',
  description: 'v2',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Ship it?', schema: z.object({ ok: z.boolean(), reviewer: z.string().default('team') }) },
    work: { kind: 'tool', tool: 'publish' },
    out: { kind: 'output', value: '{{outputs.work}} ok {{outputs.ask.ok}} by {{outputs.ask.reviewer}}' },
  },
  edges: [['ask', 'work'], ['work', 'out']],
})

describe('a job taken over by a version whose answer schema has a new field with a default', () => {
  it('reads the recorded answer with the new default', async () => {
    const old = startWorkflow(before, {}, { tools: [publish] })
    await old.nextInput()
    old.answer({ ok: true })
    await publishing()
    // The owner is lost while `work` runs: the answer's node-end is in the log.
    const resumedFrom = old.state()
    expect(resumedFrom.nodeStates.ask).toMatchObject({ status: 'completed', output: { ok: true } })
    old.abort()
    await old.done
    gate.release = undefined

    const resumed = startWorkflow(after, {}, { tools: [publish], resumedFrom })
    const end = await publishing()
    end()
    await resumed.done
    expect(String(resumed.error())).toBe('undefined')
    expect(resumed.nodeLog()).toEqual(['start:work', 'completed:work', 'start:out', 'completed:out'])
    expect(resumed.state().content).toBe('published ok true by team')
  })

  it('reads an answer stored before its node ended with the new default too', async () => {
    const old = startWorkflow(before, {}, { tools: [publish] })
    await old.nextInput()
    old.answer({ ok: true })
    await publishing()
    // The owner is lost right after it stored the answer, before the node's end.
    const answered = old.events.findIndex(event => event.type === 'input-response')
    const resumedFrom = reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), old.events.slice(0, answered + 1))
    old.abort()
    await old.done
    gate.release = undefined

    const resumed = startWorkflow(after, {}, { tools: [publish], resumedFrom })
    const end = await publishing()
    end()
    await resumed.done
    expect(String(resumed.error())).toBe('undefined')
    expect(resumed.state().nodeStates.ask).toMatchObject({ status: 'completed', output: { ok: true, reviewer: 'team' } })
    expect(resumed.state().content).toBe('published ok true by team')
  })
})
