/**
 * An object field behind a `z.preprocess` (`options: z.preprocess(trimKeys, z.object({ depth,
 * tone }).optional())`) was not read as the object it is: a template inside it
 * (`{{input.options.depth}}`) failed the job the server had accepted — `"depth" does not exist` —
 * when the start left `options` out, or gave it without the optional `depth`, though the same
 * template of the same object without the preprocess reads as nothing. A name its object does not
 * declare (`{{input.options.dpth}}`) was left to run time. The preprocess's schema is what the
 * input holds, so it counts as that object now: left-out fields read as nothing, a typo is refused
 * at boot. (The catalog already listed such a field as optional when its schema is.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

/** Drops blank strings, as a form's empty boxes send them. */
const withoutBlanks = (value: unknown) => (value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([, item]) => item !== '')) : value)

const input = z.object({
  topic: z.string(),
  options: z.preprocess(withoutBlanks, z.object({ depth: z.number().optional(), tone: z.string().optional() }).optional()),
})

const report = (value: string) => defineWorkflow({
  name: 'report',
  description: 'writes with the options given',
  input,
  nodes: { done: { kind: 'output', value } },
  edges: [],
})

async function run(given: unknown) {
  const { engine, start, state } = createWorkflowEngine([report('{{input.topic}}: depth {{input.options.depth}}, tone {{input.options.tone}}')])
  const jobId = await start('report', given)
  await vi.advanceTimersByTimeAsync(10)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  return ended
}

describe('a template inside an object behind a z.preprocess', () => {
  it('reads as nothing when the start left the optional object out', async () => {
    const ended = await run({ topic: 'tides' })
    expect(ended.error).toBeNull()
    expect(ended.content).toBe('tides: depth , tone ')
  })

  it('reads as nothing for a field left out of the object, and the field when given', async () => {
    const ended = await run({ topic: 'tides', options: { depth: 2, tone: '' } })
    expect(ended.error).toBeNull()
    expect(ended.content).toBe('tides: depth 2, tone ')
  })

  it('is refused at boot when it names a field the object does not declare', () => {
    expect(() => createWorkflowRegistry([report('{{input.options.dpth}}')])).toThrow(/"dpth".*depth/)
  })

  it('is listed as optional in the catalog when the preprocess\'s schema is', () => {
    expect(createWorkflowRegistry([report('x')]).get('report')!.inputSchema).toMatchObject({ required: ['topic'] })
  })
})
