/**
 * A workflow loop that writes text at every visit, run through the engine with
 * `limits.maxNodesPerJob` raised. Before, each node's first text judged its paragraph break with
 * `state().content.endsWith('\n')` (and each agent round with `separatorAfter(content)`): on a
 * job's text, a string built by appending, that copies the whole text first — work that grew with
 * the text at every node (4,000 nodes over 4 MB of text: 20 s in a micro-benchmark, against 38 ms
 * without the reads). Now the live job keeps the text's last two units from its deltas, and the
 * breaks are judged on those.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const ROUNDS = 400
const LONG = 10_000
const LINE = 'y'.repeat(100)

const loop = defineWorkflow({
  name: 'notes',
  description: 'writes a line at every visit until it wrote ROUNDS',
  input: z.object({}),
  nodes: {
    write: { kind: 'output', value: LINE },
    again: { kind: 'branch', choose: state => (state.visits.write ?? 0) >= ROUNDS ? 'end' : 'write' },
    end: { kind: 'output', value: 'done' },
  },
  edges: [['write', 'again'], ['again', 'write'], ['again', 'end']],
})

/** Counts the units of long strings (at least LONG) that string reads and copies were run on while `run` runs. */
async function countLongTextReads(run: () => Promise<void>): Promise<number> {
  const proto = String.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
  const names = ['endsWith', 'startsWith', 'slice', 'substring', 'charCodeAt', 'charAt', 'at', 'includes', 'indexOf', 'lastIndexOf']
  const originals = names.map(name => [name, proto[name]!] as const)
  let units = 0
  for (const [name, original] of originals) {
    proto[name] = function (this: string, ...args: unknown[]) {
      if (this.length >= LONG) units += this.length
      return original.apply(this, args)
    }
  }
  try {
    await run()
    return units
  } finally {
    for (const [name, original] of originals) proto[name] = original
  }
}

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('a long workflow loop that writes text', () => {
  it('judges each paragraph break without reading the whole text', async () => {
    const { engine, start, state } = createWorkflowEngine([loop], { config: { limits: { maxNodesPerJob: 10 * ROUNDS } } })
    const jobId = await start('notes')
    const units = await countLongTextReads(async () => {
      await vi.advanceTimersByTimeAsync(0)
      await engine.whenSettled(jobId)
    })
    const ended = await state(jobId)
    expect(ended.status).toBe('completed')
    expect(ended.content).toBe([...Array.from({ length: ROUNDS }, () => LINE), 'done'].join('\n\n'))
    expect(units).toBe(0)
  })
})
