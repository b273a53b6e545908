/**
 * A tool's progress on its call's span (docs/observability.md): each stored update is a
 * `background_jobs.tool.progress` event on the `background_jobs.tool_call` span — its fraction,
 * its message only with `telemetry.recordContent` — bounded to the first updates and the last,
 * with the count of all on the span.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { MAX_PROGRESS_SPAN_EVENTS } from '../../server/lib/telemetry/tool-progress-spans'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

/** Reports `pages` updates 300 ms apart (each one stored), then returns. */
const crawl = defineTool({
  name: 'crawl',
  description: 'Crawls pages',
  parameters: z.object({ pages: z.number() }),
  timeoutMs: 60_000,
  async execute({ pages }, { progress, signal }) {
    for (let page = 1; page <= pages; page++) {
      progress({ message: `PAGE-SECRET ${page}`, fraction: page / pages })
      await wait(300, signal)
    }
    return { pages }
  },
})

function crawlJob(pages: number, config: BackgroundJobsConfigInput = {}) {
  const { engine, provider } = createTestEngine({
    config,
    runners: { chat: runChatJob },
    model: createStepModel([toolStep([{ id: 'call_1', name: 'crawl', args: { pages } }]), textStep('done')]),
    tools: createToolRegistry([crawl]),
  })
  return { engine, provider, request: { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'crawl' }] } }
}

describe('tool progress on the tool call span', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('is an event per stored update, with its fraction and no message by default', async () => {
    const { engine, provider, request } = crawlJob(3)
    const { job } = await engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)

    const stored = (await provider.readEvents(job.id, 0))!.events.filter(event => event.type === 'tool-progress')
    expect(stored).toHaveLength(3)
    const [call] = tracing.named('background_jobs.tool_call')
    const events = call!.events.filter(event => event.name === 'background_jobs.tool.progress')
    // Before: none.
    expect(events.map(event => event.attributes)).toEqual([1 / 3, 2 / 3, 1].map(fraction => ({ 'background_jobs.tool.progress.fraction': fraction })))
    expect(events.map(event => event.time[0] * 1_000 + event.time[1] / 1e6)).toEqual(stored.map(event => event.at))
    expect(call!.attributes['background_jobs.tool.progress_updates']).toBe(3)
    // The job span has none of them.
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.events.some(event => event.name === 'background_jobs.tool.progress')).toBe(false)
  })

  it('with telemetry.recordContent, the message too', async () => {
    const { engine, request } = crawlJob(2, { telemetry: { recordContent: true } })
    const { job } = await engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    const [call] = tracing.named('background_jobs.tool_call')
    expect(call!.events.filter(event => event.name === 'background_jobs.tool.progress').map(event => event.attributes?.['background_jobs.content.output'])).toEqual(['PAGE-SECRET 1', 'PAGE-SECRET 2'])
  })

  it('is bounded: the first updates and the last, and the count of all', async () => {
    const { engine, provider, request } = crawlJob(100)
    const { job } = await engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(31_000)
    await engine.whenSettled(job.id)

    const stored = (await provider.readEvents(job.id, 0))!.events.filter(event => event.type === 'tool-progress') as Array<Extract<JobEvent, { type: 'tool-progress' }>>
    expect(stored).toHaveLength(100)
    const [call] = tracing.named('background_jobs.tool_call')
    const fractions = call!.events.filter(event => event.name === 'background_jobs.tool.progress').map(event => event.attributes?.['background_jobs.tool.progress.fraction'])
    expect(fractions).toHaveLength(MAX_PROGRESS_SPAN_EVENTS)
    expect(fractions).toEqual([...stored.slice(0, MAX_PROGRESS_SPAN_EVENTS - 1), stored.at(-1)!].map(event => event.fraction))
    expect(call!.attributes['background_jobs.tool.progress_updates']).toBe(100)
  })
})
