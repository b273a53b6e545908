/**
 * The main chat's Send read "Sending…" (disabled) while a message's POST was on its way: nothing
 * could stop the answer until the server had answered with its job. ChatGPT and Claude show Stop
 * at once. Stop shows now as soon as the message is sent; pressed then, the job the send starts is
 * aborted once its id is known, and a send refused leaves nothing to stop (not the next one's job).
 * The composer, and useThreadSend with useThreadStop wired as ThreadView wires them, with a start
 * held until the test answers it.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StartedJob } from '../../app/lib/api-types'
import { useThreadSend } from '../../demo/app/composables/useThreadSend'
import { useThreadStop } from '../../demo/app/composables/useThreadStop'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, stubDocument, textOf, withClientTemplate } from '../support/demo-client-render'
import ChatComposerSsr from '../../demo/app/components/ChatComposer.vue'

const ChatComposer = withClientTemplate(ChatComposerSsr, 'demo/app/components/ChatComposer.vue')

beforeEach(() => {
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount', 'inject', 'useId'] as const) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('refreshNuxtData', async () => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** A thread whose every start waits for the test (`answer`), with the composer's Stop wired as ThreadView wires it. */
function thread() {
  const composerError = vue.ref<string | null>(null)
  const aborted: string[] = []
  const answers: Array<{ resolve: (job: StartedJob) => void, reject: (failure: unknown) => void }> = []
  let started = (_jobId: string) => {}
  const { send, sending } = useThreadSend({
    threadId: 't1',
    start: () => new Promise<StartedJob>((resolve, reject) => answers.push({ resolve, reject })),
    catalog: vue.ref(null),
    turns: vue.ref([]),
    threadJobs: vue.ref([]),
    hasEarlier: vue.ref(false),
    listPage: async () => ({ jobs: [], next: null }),
    outOfHistory: vue.ref(new Map()),
    reports: {},
    hold: vue.ref(null),
    useTools: vue.ref(true),
    composerError,
    scrollToBottom: () => {},
    onStarted: job => started(job.id),
  })
  const stopJobId = vue.ref<string | null>(null)
  // In a scope, as in a component (its wait for a stopped turn's end is dropped with it).
  // An abort ends the job's turn at once (its job-end came): Stop does not wait out STOP_END_WAIT_MS.
  const stops = vue.effectScope().run(() => useThreadStop({ stopJobId, sending, abort: async (jobId) => {
    aborted.push(jobId)
    if (stopJobId.value === jobId) stopJobId.value = null
  }, composerError }))!
  started = stops.started
  return { send, sending, stops, stopJobId, aborted, answers, composerError }
}

const startedJob = (id: string) => ({ id, status: 'queued' }) as StartedJob

describe('main chat: Stop while a message is on its way', () => {
  it('shows Stop in Send\'s place as soon as the message is sent, not "Sending…"', async () => {
    const stops: number[] = []
    const { container } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ChatComposer, { sending: true, error: null, workflows: [], send: async () => true, onStop: () => stops.push(1) }) }), { WorkflowMenu: vue.defineComponent({ render: () => null }) })
    await vue.nextTick()
    const buttons = allNodes(container).filter((node: FakeNode) => node.tag === 'button')
    const stop = buttons.find(node => String(node.props.class).includes('composer-stop'))
    expect(stop).toBeDefined()
    expect(textOf(stop!)).toBe('Stop')
    expect(stop!.props.disabled).toBeFalsy()
    expect(textOf(container)).not.toContain('Sending…')
    expect(buttons.some(node => String(node.props.class).includes('composer-send'))).toBe(false)
    ;(stop!.props.onClick as () => void)()
    expect(stops).toHaveLength(1)
  })

  it('stops the job the send starts when Stop was pressed before the server answered', async () => {
    const { send, sending, stops, aborted, answers } = thread()
    const sent = send('Hello')
    expect(sending.value).toBe(true)
    await stops.stop()
    // Nothing to abort yet: the Stop waits for the job, saying so.
    expect(aborted).toEqual([])
    expect(stops.stopping.value).toBe(true)
    answers[0]!.resolve(startedJob('job-1'))
    expect(await sent).toBe(true)
    expect(aborted).toEqual(['job-1'])
    await vue.nextTick()
    expect(stops.stopping.value).toBe(false)
  })

  it('has nothing to stop when the send is refused after a Stop, and leaves the next send\'s job running', async () => {
    const { send, stops, aborted, answers, composerError } = thread()
    const sent = send('Hello')
    await stops.stop()
    answers[0]!.reject(Object.assign(new Error('503'), { statusCode: 503 }))
    expect(await sent).toBe(false)
    expect(stops.stopping.value).toBe(false)
    expect(composerError.value).toBe('The server had a problem — your message wasn’t sent. Try again.')
    const next = send('Hello again')
    answers[1]!.resolve(startedJob('job-2'))
    expect(await next).toBe(true)
    expect(aborted).toEqual([])
  })

  it('still stops an unfinished answer at once, and does nothing with no answer nor send', async () => {
    const { stops, stopJobId, aborted } = thread()
    await stops.stop()
    expect(stops.stopping.value).toBe(false)
    stopJobId.value = 'job-0'
    await stops.stop()
    expect(aborted).toEqual(['job-0'])
    expect(stops.stopping.value).toBe(false)
  })
})
