/**
 * Rolling deploy: nobody answered a question of v1 in time and its `onTimeout: 'default'` answer
 * was stored, but the owner was lost before the node's end. v2 made the answer schema ask for a
 * new field (`reviewer`, with its own timeout answer). The instance taking the job over read v1's
 * stored timeout answer with v2's schema, and the job failed `Node "ask" failed: Invalid answer:
 * reviewer: …` — an answer nobody sent, refused. The question timed out: the timeout answer of the
 * node as registered now applies when the stored one does not fit its schema any more.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { startWorkflow } from '../support/workflow-fake-context'

const before = defineWorkflow({
  name: 'release',
  description: 'v1',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Ship it?', schema: z.object({ ok: z.boolean() }), onTimeout: 'default', timeoutAnswer: { ok: false }, timeoutMs: 1_000 },
    out: { kind: 'output', value: 'ok {{outputs.ask.ok}}' },
  },
  edges: [['ask', 'out']],
})

const after = (onTimeout: 'default' | 'fail') => defineWorkflow({
  name: 'release',
  description: 'v2',
  input: z.object({}),
  nodes: {
    ask: {
      kind: 'input',
      prompt: 'Ship it?',
      schema: z.object({ ok: z.boolean(), reviewer: z.string() }),
      onTimeout,
      ...(onTimeout === 'default' ? { timeoutAnswer: { ok: false, reviewer: 'nobody' } } : {}),
      timeoutMs: 1_000,
    },
    out: { kind: 'output', value: 'ok {{outputs.ask.ok}} by {{outputs.ask.reviewer}}' },
  },
  edges: [['ask', 'out']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** v1's job, its question timed out, as stored when the owner was lost before the node's end. */
async function timedOutBeforeEnd() {
  const old = startWorkflow(before, {})
  await old.nextInput()
  await vi.advanceTimersByTimeAsync(1_000)
  await old.done
  const answered = old.events.findIndex(event => event.type === 'input-response')
  expect(old.events[answered]).toMatchObject({ answeredBy: 'timeout', answer: { ok: false } })
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), old.events.slice(0, answered + 1))
}

describe('a timed-out answer stored before its node ended, read by a version whose schema changed', () => {
  it('takes the timeout answer of the node as registered now', async () => {
    const resumed = startWorkflow(after('default'), {}, { resumedFrom: await timedOutBeforeEnd() })
    await resumed.done
    expect(String(resumed.error())).toBe('undefined')
    expect(resumed.state().content).toBe('ok false by nobody')
  })

  it('fails as a timeout, not as an invalid answer, when the node now fails on timeout', async () => {
    const resumed = startWorkflow(after('fail'), {}, { resumedFrom: await timedOutBeforeEnd() })
    await resumed.done
    expect(resumed.error()).toMatchObject({ code: 'input-timeout', message: 'Nobody answered "Ship it?" (node "ask") in time' })
  })
})
