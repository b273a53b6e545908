/**
 * The main chat's Stop pressed while an edit's save was on its way, when the server then took the
 * save but answered it after the save's bound (EDIT_START_TIMEOUT_MS) or after Cancel: the Stop
 * was forgotten with the save (no job id known, the request closed), so the job the save made ran
 * on with nobody having asked for it. Now the Stop is handed over to the save's request, kept open
 * for the job's id (at most EDIT_LATE_STOP_MS), and that job is stopped when it comes — as a Stop
 * before a post's response on the AI SDK page (docs/decisions/047). useMessageEdit and
 * useThreadStop are wired as ThreadView wires them; the server is a fake `fetch` the test answers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { computed, ref } from 'vue'
import type { Component } from 'vue'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { mountDemoComponent } from '../support/demo-component'
import { stubDocument } from '../support/demo-client-render'
import { EDIT_LATE_STOP_MS, EDIT_START_TIMEOUT_MS, EDIT_TIMED_OUT_TEXT, useMessageEdit } from '../../demo/app/composables/useMessageEdit'
import { useThreadStop } from '../../demo/app/composables/useThreadStop'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'

const job: ThreadJob = { id: 'j1', type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: 'Hello', prompt: 'Hello', createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 0 }

let app: ComposableApp
/** The edit posts the fake server got: each waits for the test (`answer`) or its signal's abort, as fetch does. */
let posts: Array<{ signal: AbortSignal, key: string, answer: (jobId: string) => void }>

beforeEach(() => {
  vi.useFakeTimers()
  posts = []
  app = createComposableApp(async url => Promise.reject(new Error(`unexpected $fetch ${url}`)))
  mountDemoComponent(app, { render: () => null } as Component, {})
  stubDocument()
  vi.stubGlobal('useJobCatalog', () => ({ catalog: ref(null) }))
  vi.stubGlobal('useToasts', () => ({ push: () => {} }))
  vi.stubGlobal('refreshNuxtData', async () => {})
  vi.stubGlobal('fetch', async (_url: string, init: { signal: AbortSignal, headers: Record<string, string> }) => new Promise<Response>((resolve, reject) => {
    // The UI message stream's start chunk names the job.
    const answer = (jobId: string) => resolve(new Response(`data: ${JSON.stringify({ type: 'start', messageId: jobId })}\n\n`, { headers: { 'content-type': 'text/event-stream' } }))
    posts.push({ signal: init.signal, key: init.headers['Idempotency-Key']!, answer })
    init.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')))
  }))
})
afterEach(() => {
  app.dispose()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** The thread's edit and Stop, as ThreadView wires them; `aborted`: the jobs the Stop aborted. */
function thread() {
  const aborted: string[] = []
  const started: string[] = []
  const { result, unmount } = app.mount(() => {
    const stopJobId = ref<string | null>(null)
    let handOver: () => ((jobId: string) => void) | null = () => null
    const edit = useMessageEdit({ threadId: 't1', turns: ref([job]), threadJobs: ref([job]), hasEarlier: ref(false), useTools: ref(true), listPage: async () => ({ jobs: [], nextCursor: null }) as never, onStarted: (next) => {
      started.push(next.id)
      stops.started(next.id)
    }, stopHandOver: () => handOver() })
    const stops = useThreadStop({ stopJobId, sending: computed(() => edit.saving.value), abort: async (jobId) => {
      aborted.push(jobId)
    }, composerError: ref(null) })
    handOver = stops.handOver
    return { ...edit, ...stops }
  })
  return { ...result, aborted, started, unmount }
}

async function flush(): Promise<void> {
  for (let round = 0; round < 20; round++) await Promise.resolve()
}

describe('main chat: Stop during an edit\'s save the server answers late', () => {
  it('stops the job a timed-out save made once the server names it', async () => {
    const { editMessage, stop, stopping, aborted, started } = thread()
    const saved = editMessage(job, 'Hello again')
    await flush()
    await stop()
    expect(stopping.value).toBe(true)
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    expect(await saved).toBe(EDIT_TIMED_OUT_TEXT)
    // Handed over: no "Stopping…" left on the composer, the request kept open for the job's id.
    expect(stopping.value).toBe(false)
    expect(posts[0]!.signal.aborted).toBe(false)
    posts[0]!.answer('job-late')
    await flush()
    expect(aborted).toEqual(['job-late'])
    expect(started).toEqual([])
    expect(posts[0]!.signal.aborted).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops it after a Cancel as well, and a save again asks anew (a new Idempotency-Key, not the stopped job)', async () => {
    const { editMessage, stop, aborted } = thread()
    const cancel = new AbortController()
    const saved = editMessage(job, 'Hello again', cancel.signal)
    await flush()
    await stop()
    cancel.abort()
    expect(await saved).toBeNull()
    posts[0]!.answer('job-late')
    await flush()
    expect(aborted).toEqual(['job-late'])
    void editMessage(job, 'Hello again')
    await flush()
    expect(posts[1]!.key).not.toBe(posts[0]!.key)
  })

  it('gives the request up after EDIT_LATE_STOP_MS, no timer left', async () => {
    const { editMessage, stop, aborted } = thread()
    const saved = editMessage(job, 'Hello again')
    await flush()
    await stop()
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    await saved
    await vi.advanceTimersByTimeAsync(EDIT_LATE_STOP_MS - 1)
    expect(posts[0]!.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(posts[0]!.signal.aborted).toBe(true)
    expect(aborted).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('closes the kept request when the thread goes', async () => {
    const { editMessage, stop, unmount } = thread()
    const saved = editMessage(job, 'Hello again')
    await flush()
    await stop()
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    await saved
    unmount()
    expect(posts[0]!.signal.aborted).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not stop the job a save again unchanged gets back (the user asked for it again)', async () => {
    const { editMessage, stop, aborted, started } = thread()
    const saved = editMessage(job, 'Hello again')
    await flush()
    await stop()
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    await saved
    const again = editMessage(job, 'Hello again')
    await flush()
    // Same key: the server gives back the job the first save made. The kept request is closed.
    expect(posts[1]!.key).toBe(posts[0]!.key)
    expect(posts[0]!.signal.aborted).toBe(true)
    posts[1]!.answer('job-late')
    expect(await again).toBeNull()
    expect(started).toEqual(['job-late'])
    expect(aborted).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('with no Stop pressed, closes the request when the save is given up, as before', async () => {
    const { editMessage, aborted } = thread()
    const saved = editMessage(job, 'Hello again')
    await flush()
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    await saved
    expect(posts[0]!.signal.aborted).toBe(true)
    expect(aborted).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})
