/**
 * The same answer sent twice while nobody owned the job (the client retried a `503` from an owner
 * that did not answer): both controls are read at the takeover and given, in order, to the
 * question asked again. The first is taken; the second is that same answer, a 200 — also when the
 * input node's schema changed what was sent (a default filled in), as for any answer sent again
 * (workflows/answer-as-read.ts). It was compared as sent and refused `409 … already answered`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobProvider } from '../../server/lib/providers/types'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { askTwiceConfig as config } from './ask-twice'

/** An owner that died: its lease is no longer renewed in the store, and it hears no control. */
const dead = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} })

const review = defineWorkflow({
  name: 'review',
  description: 'ask → confirm → done',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean(), feedback: z.string().default('') }), onTimeout: 'fail' },
    confirm: { kind: 'input', prompt: 'Sure?', schema: z.object({ go: z.boolean() }), onTimeout: 'fail' },
    done: { kind: 'output', value: '{{outputs.ask}}' },
  },
  edges: [['ask', 'confirm'], ['confirm', 'done']],
})

describe('the same answer sent twice while the owner was away', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is the answer taken for both senders when its schema fills in a default', async () => {
    const backend = createBackend()
    const workflows = [review]
    const a = createEngineNode(backend, { instanceId: 'A', config, workflows, wrap: dead })
    const b = createEngineNode(backend, { instanceId: 'B', config, workflows })
    // C never takes the job over: B does, and reads both answers at its takeover.
    const c = createEngineNode(backend, { instanceId: 'C', config, workflows, wrap: provider => ({ ...provider, claimLease: async () => null }) })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'review', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    const [question] = (await b.engine.getJob('u1', job.id)).state.pendingInputs
    const send = (engine: typeof b.engine) => engine.answerInput('u1', job.id, { requestId: question!.requestId, answer: { approved: true } })
      .then(outcome => outcome, (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`)
    const first = send(c.engine)
    // Sent again later, still before the takeover: its reply is the new owner's, not the forwarder's wait running out.
    await vi.advanceTimersByTimeAsync(1_500)
    const again = send(c.engine)
    await vi.advanceTimersByTimeAsync(8_000)

    expect(await first).toEqual({ stored: true })
    expect(await again).toEqual({ stored: true })
    const { state } = await b.engine.getJob('u1', job.id)
    // Waiting on the next question: the replies came from the owner, not from a job that had ended.
    expect(state.status).toBe('waiting')
    expect(state.nodeStates.ask).toMatchObject({ status: 'completed', output: { approved: true, feedback: '' } })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose(), c.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
