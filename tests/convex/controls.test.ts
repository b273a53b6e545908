import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import { createConvexProvider } from '../../server/lib/providers/convex'
import type { StoredJobControl } from '../../server/lib/providers/types'
import { type Backend, createBackend, createInstance, endEvent, newJob, twoInstancesWithJob } from './backend'

/** Collects what a control subscription delivers. */
function recorder() {
  const controls: StoredJobControl[] = []
  return {
    controls,
    listener: (control: StoredJobControl) => controls.push(control),
    types: () => controls.map(control => control.type === 'input' ? `input:${control.requestId}` : control.type),
  }
}

/** Every stored control document. */
async function storedControls(backend: Backend) {
  return await backend.run(ctx => ctx.db.query('controls').collect())
}

describe('convex controls', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(50_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('delivers controls sent on instance B to the owner on instance A, once each and in order', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const job = newJob()
    await a.provider.create(job)
    const owner = recorder()
    a.provider.subscribeControls(job.id, owner.listener)
    await a.facade.settled()

    await b.provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'request-1', answer: { approved: true, note: '$ref ok' } })
    vi.setSystemTime(51_000)
    await b.provider.sendControl(job.id, { type: 'abort', userId: 'user-1' })
    await a.facade.settled()

    expect(owner.controls).toEqual([
      { type: 'input', userId: 'user-1', requestId: 'request-1', answer: { approved: true, note: '$ref ok' }, id: expect.any(String), sentAt: 50_000 },
      { type: 'abort', userId: 'user-1', id: expect.any(String), sentAt: 51_000 },
    ])
    const documentIds = (await storedControls(backend)).map(control => control._id)
    expect(owner.controls.map(control => control.id)).toEqual(documentIds)
  })

  it('delivers controls sent at once from two instances once each, numbered in the order they committed', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const c = createInstance(backend)
    const job = newJob()
    await a.provider.create(job)
    const owner = recorder()
    a.provider.subscribeControls(job.id, owner.listener)
    await a.facade.settled()

    const answers = Array.from({ length: 20 }, (_, index) => `request-${index}`)
    await Promise.all(answers.map((requestId, index) =>
      (index % 2 === 0 ? b : c).provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId, answer: index })))
    await a.facade.settled()

    expect(owner.types()).toEqual(answers.map(requestId => `input:${requestId}`))
    expect((await storedControls(backend)).map(control => control.number)).toEqual(answers.map((_, index) => index + 1))
  })

  it('starts from the subscription unless asked to replay the stored controls first', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    await b.provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'early', answer: 'yes' })

    const fromNow = recorder()
    const fromStart = recorder()
    a.provider.subscribeControls(job.id, fromNow.listener)
    a.provider.subscribeControls(job.id, fromStart.listener, { fromStart: true })
    await a.facade.settled()
    await b.provider.sendControl(job.id, { type: 'abort', userId: 'user-1' })
    await a.facade.settled()

    expect(fromNow.types()).toEqual(['abort'])
    expect(fromStart.types()).toEqual(['input:early', 'abort'])
  })

  it('keeps delivering without loss or repeat past one page of controls', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const job = newJob()
    await a.provider.create(job)
    const total = 130
    for (let index = 0; index < total; index++) {
      await a.provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: `r${index}`, answer: index })
    }
    const owner = recorder()
    a.provider.subscribeControls(job.id, owner.listener, { fromStart: true })
    await a.facade.settled()
    await a.provider.sendControl(job.id, { type: 'abort', userId: 'user-1' })
    await a.facade.settled()
    expect(owner.types()).toEqual([...Array.from({ length: total }, (_, index) => `input:r${index}`), 'abort'])
  })

  it('stops delivering after unsubscribe and after dispose', async () => {
    const { a, b, job } = await twoInstancesWithJob()
    const first = recorder()
    const second = recorder()
    const unsubscribe = a.provider.subscribeControls(job.id, first.listener)
    a.provider.subscribeControls(job.id, second.listener)
    await a.facade.settled()
    await b.provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'one', answer: 1 })
    unsubscribe()
    await b.provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'two', answer: 2 })
    await a.provider.dispose()
    await b.provider.sendControl(job.id, { type: 'abort', userId: 'user-1' })
    await a.facade.settled()
    expect(first.types()).toEqual(['input:one'])
    expect(second.types()).toEqual(['input:one', 'input:two'])
  })

  it('reports a throwing listener and still delivers the next control', async () => {
    const backend = createBackend()
    const errors: unknown[] = []
    const owner = createConvexProvider({ facade: createInstance(backend).facade, onError: error => errors.push(error) })
    const sender = createInstance(backend).provider
    const job = newJob()
    await sender.create(job)
    const seen: string[] = []
    owner.subscribeControls(job.id, (control) => {
      seen.push(control.type)
      if (seen.length === 1) throw new Error('owner broke')
    }, { fromStart: true })
    await sender.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'r', answer: null })
    await sender.sendControl(job.id, { type: 'abort', userId: 'user-1' })
    expect(seen).toEqual(['input', 'abort'])
    expect(errors).toHaveLength(1)
  })

  it('refuses a control for a missing job or another user\'s job, and stores one for a finished job', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    await expect(provider.sendControl('missing', { type: 'abort', userId: 'user-1' })).rejects.toBeInstanceOf(JobNotFoundError)
    await expect(provider.sendControl(job.id, { type: 'abort', userId: 'user-2' })).rejects.toThrow(`Job ${job.id} not found`)
    expect(await storedControls(backend)).toHaveLength(0)

    await provider.appendEvents(job.id, [endEvent(1, 'aborted')], { epoch: 1 })
    await provider.sendControl(job.id, { type: 'abort', userId: 'user-1' })
    expect(await storedControls(backend)).toHaveLength(1)
  })

  it('keeps an input answer of undefined as undefined', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    const owner = recorder()
    provider.subscribeControls(job.id, owner.listener, { fromStart: true })
    await provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'r', answer: undefined })
    expect(owner.controls).toEqual([{ type: 'input', userId: 'user-1', requestId: 'r', answer: undefined, id: expect.any(String), sentAt: 50_000 }])
  })
})
