/**
 * The main chat's Edit: saving an edited message starts a new answer (a new version of its turn),
 * as a send does, yet while the save's POST was on its way the composer showed Send, not Stop, and
 * nothing could stop the answer it was starting. A saved edit now behaves as a send: Stop shows at
 * once, and a Stop pressed before the POST answered stops the job it makes as soon as its id is
 * known; a save refused has nothing to stop, and the next one is not stopped. A save given up
 * (Cancel, the 20 s bound) after a Stop keeps its request open for the job the server may still
 * name, and stops it then (tests/unit/demo-edit-stopped-late.test.ts has the bounds).
 * ThreadView with stand-in turns and composer (tests/support/thread-stop-view.ts); the edit's POST
 * is a fetch the test answers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { stubThreadViewGlobals } from '../support/thread-view-globals'
import { chatJob, mountStopThread, settle } from '../support/thread-stop-view'

/** The edit POSTs the fake server got, each answered by the test. */
let posts: Array<{ answer: (jobId: string) => void, refuse: () => void, signal: AbortSignal }>
let aborted: string[]

/** The AI SDK route's answer to an edit: its stream's `start` chunk names the new job. */
function startStream(jobId: string): Response {
  return new Response(`data: {"type":"start","messageId":"${jobId}"}\n\n`, { status: 200, headers: { 'content-type': 'text/event-stream' } })
}

beforeEach(() => {
  posts = []
  aborted = []
  stubThreadViewGlobals()
  vi.stubGlobal('fetch', async (_url: string, init: { signal: AbortSignal }) => new Promise<Response>((resolve, reject) => {
    posts.push({
      answer: jobId => resolve(startStream(jobId)),
      refuse: () => resolve(new Response(JSON.stringify({ message: 'Busy' }), { status: 503 })),
      signal: init.signal,
    })
    init.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')))
  }))
})
afterEach(() => {
  vi.unstubAllGlobals()
})

function thread() {
  return mountStopThread([chatJob('j1', 'completed')], async (jobId) => {
    aborted.push(jobId)
    return { id: jobId, status: 'aborted' }
  })
}

describe('main chat: Stop while an edit is saved', () => {
  it('shows Stop while the save is on its way, and stops the answer it starts when pressed then', async () => {
    const { composer, edits, reporters, turns, unmount } = thread()
    await settle()
    expect(composer.sending).toBe(false)
    const saved = edits.get('j1')!(turns.value[0]!, 'Question j1, edited')
    await settle()
    expect(posts).toHaveLength(1)
    // As a send: Stop in Send's place (the composer shows Stop while `sending`).
    expect(composer.sending).toBe(true)
    composer.stop()
    await settle()
    expect(composer.stopping).toBe(true)
    expect(aborted).toEqual([])
    posts[0]!.answer('j2')
    expect(await saved).toBeNull()
    await settle()
    expect(aborted).toEqual(['j2'])
    expect(composer.sending).toBe(false)
    // "Stopping…" until the new answer's turn has ended (its stream's job-end).
    expect(composer.stopping).toBe(true)
    reporters.get('j2')!('aborted')
    await settle()
    expect(composer.stopping).toBe(false)
    expect(composer.canStop).toBe(false)
    unmount()
  })

  it('has nothing to stop when the save is refused after a Stop, and leaves the next save\'s answer running', async () => {
    const { composer, edits, turns, unmount } = thread()
    await settle()
    const refused = edits.get('j1')!(turns.value[0]!, 'Question j1, edited')
    await settle()
    composer.stop()
    posts[0]!.refuse()
    expect(await refused).toBe('Busy')
    await settle()
    expect(composer.stopping).toBe(false)
    const saved = edits.get('j1')!(turns.value[0]!, 'Question j1, edited')
    await settle()
    posts[1]!.answer('j2')
    expect(await saved).toBeNull()
    await settle()
    expect(aborted).toEqual([])
    unmount()
  })

  it('stops the job of a save cancelled after the Stop when the server names it late', async () => {
    const { composer, edits, turns, unmount } = thread()
    await settle()
    const cancel = new AbortController()
    const saved = edits.get('j1')!(turns.value[0]!, 'Question j1, edited', cancel.signal)
    await settle()
    composer.stop()
    cancel.abort()
    expect(await saved).toBeNull()
    await settle()
    expect(composer.sending).toBe(false)
    expect(posts[0]!.signal.aborted).toBe(false)
    posts[0]!.answer('j2')
    await settle()
    expect(aborted).toEqual(['j2'])
    unmount()
  })

  it('also stops an answer still running when the save is pressed (the edit ends it too)', async () => {
    const { composer, edits, turns, unmount } = mountStopThread([chatJob('j1', 'running')], async (jobId) => {
      aborted.push(jobId)
      return { id: jobId, status: 'aborted' }
    })
    await settle()
    expect(composer.canStop).toBe(true)
    const saved = edits.get('j1')!(turns.value[0]!, 'Question j1, edited')
    await settle()
    composer.stop()
    await settle()
    expect(aborted).toEqual(['j1'])
    posts[0]!.answer('j2')
    await saved
    await settle()
    expect(aborted).toEqual(['j1', 'j2'])
    unmount()
  })
})
