import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { JobAbortedError } from '../../server/lib/errors'
import { defineTool } from '../../server/utils/define-tool'
import deleteFile from '../../demo/server/tools/delete-file'
import slowTask from '../../demo/server/tools/slow-task'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'go' }]

afterEach(() => {
  vi.useRealTimers()
})

describe('abort', () => {
  it('during a running tool: fires the tool signal, rejects promptly, keeps partial content', async () => {
    vi.useFakeTimers()
    let toolSignal: AbortSignal | undefined
    let started!: () => void
    const toolStarted = new Promise<void>((resolve) => { started = resolve })
    const stubborn = defineTool({ name: 'stubborn', description: 'Ignores its signal', parameters: z.object({}), timeoutMs: 60_000, execute: (_args, { signal }) => {
      toolSignal = signal
      started()
      return new Promise(() => {})
    } })
    const model = createStepModel([toolStep([{ id: 's', name: 'stubborn' }, { id: 't', name: 'slow_task', args: { seconds: 20 } }], { text: 'Working on it. ' }), textStep('never')])
    const fake = createFakeRunContext({ model, tools: [stubborn, slowTask] })
    const outcome = runAgentLoop(fake.context, { messages: user }).then(() => 'resolved', (error: unknown) => error)
    await toolStarted
    fake.abort()
    // No timer has to fire: the loop ends on the abort itself, though the tool never settles.
    const error = await outcome
    expect(error).toBeInstanceOf(JobAbortedError)
    expect(error).toMatchObject({ code: 'aborted' })
    expect(toolSignal!.aborted).toBe(true)
    expect(model.requests).toHaveLength(1)
    expect(fake.state().content).toBe('Working on it. ')
    expect(fake.eventsOf('tool-result')).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('during the model stream: rejects with the abort reason, not a model failure', async () => {
    let streaming!: () => void
    const streamStarted = new Promise<void>((resolve) => { streaming = resolve })
    const fake = createFakeRunContext({ model: createStepModel([hangingStep(() => streaming())]) })
    const outcome = runAgentLoop(fake.context, { messages: user }).then(() => 'resolved', (error: unknown) => error)
    await streamStarted
    fake.abort('stop')
    expect(await outcome).toMatchObject({ name: 'JobAbortedError', message: 'stop' })
  })

  it('while waiting for an approval: rejects and the tool never runs', async () => {
    const model = createStepModel([toolStep([{ name: 'delete_file', args: { path: 'a' } }]), textStep('never')])
    const fake = createFakeRunContext({ model, tools: [deleteFile] })
    const execute = vi.spyOn(deleteFile, 'execute')
    const requested = fake.nextInputRequest()
    const outcome = runAgentLoop(fake.context, { messages: user }).then(() => 'resolved', (error: unknown) => error)
    await requested
    fake.abort()
    expect(await outcome).toBeInstanceOf(JobAbortedError)
    expect(execute).not.toHaveBeenCalled()
    execute.mockRestore()
  })

  it('before the loop starts: runs nothing', async () => {
    const model = createStepModel([textStep('never')])
    const fake = createFakeRunContext({ model })
    fake.abort()
    await expect(runAgentLoop(fake.context, { messages: user })).rejects.toBeInstanceOf(JobAbortedError)
    expect(model.requests).toHaveLength(0)
  })
})
