/**
 * A rolling deploy that adds a workflow (convex-test, fake timers): instances of the new version
 * run it, those of the old one do not know it. When a new instance stopped or was lost, an old
 * one claimed its lapsed job of the new workflow at its next scan and ended it `failed`
 * (`invalid-request`, "not registered"), where a new instance would have resumed it. Now it leaves
 * it to the instances that can resume it, and ends it only once none took it for as long as a
 * lost owner takes to be replaced.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'

const lease = { durationMs: 3_000, heartbeatMs: 1_000 }
const config = resolveConfig({ scripted: { enabled: true }, lease })
/** The workflow the new version adds. */
const review = defineWorkflow({
  name: 'review',
  description: 'asks for a review',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Looks good?', schema: z.object({ ok: z.boolean() }), onTimeout: 'fail' },
    done: { kind: 'output', value: 'reviewed' },
  },
  edges: [['ask', 'done']],
})
const newVersion = [askWorkflow, review]
const oldVersion = [askWorkflow]

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A new instance starts the new workflow, which waits for its answer, then hands it off at shutdown. */
async function handedOffReview(backend: ReturnType<typeof createBackend>) {
  const a = createEngineNode(backend, { instanceId: 'A', config, workflows: newVersion })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'review', input: {} } })
  await vi.advanceTimersByTimeAsync(500)
  await a.engine.dispose()
  return job.id
}

it('an instance without the workflow leaves a lost job of it to one that has it, which resumes it', async () => {
  const backend = createBackend()
  const id = await handedOffReview(backend)
  const old = createEngineNode(backend, { instanceId: 'OLD', config, workflows: oldVersion })

  await vi.advanceTimersByTimeAsync(3_500)
  expect({ owner: (await old.provider.get(id))!.lease!.instanceId, status: (await old.provider.getState(id))!.status })
    .toEqual({ owner: 'A', status: 'waiting' })

  const b = createEngineNode(backend, { instanceId: 'B', config, workflows: newVersion })
  await vi.advanceTimersByTimeAsync(2_500)
  expect((await b.provider.get(id))!.lease!.instanceId).toBe('B')
  expect((await b.provider.getState(id))!.status).toBe('waiting')
  expect(b.engine.stats().runs).toBe(1)

  const disposing = Promise.all([b.engine.dispose(), old.engine.dispose()])
  await vi.advanceTimersByTimeAsync(10_000)
  await disposing
})

it('with no instance that has the workflow, one without it ends the job once none took it', async () => {
  const backend = createBackend()
  const id = await handedOffReview(backend)
  const old = createEngineNode(backend, { instanceId: 'OLD', config, workflows: oldVersion })

  await vi.advanceTimersByTimeAsync(4_500)
  expect((await old.provider.getState(id))!.status).toBe('waiting')
  await vi.advanceTimersByTimeAsync(2_000)
  expect(await old.provider.getState(id)).toMatchObject({
    status: 'failed',
    error: { code: 'invalid-request', message: expect.stringMatching(/workflow: "review" is not registered/) },
  })

  const disposing = old.engine.dispose()
  await vi.advanceTimersByTimeAsync(10_000)
  await disposing
})
