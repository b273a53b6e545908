/**
 * The /ai-sdk page's box before the page is interactive. The main chat's box sends an Enter pressed
 * before hydration once the app runs (lib/early-composer.ts, tests/unit/demo-early-composer.test.ts);
 * the /ai-sdk page's box lost it: the inline script watched only the main chat's box, so Enter added
 * a line there and nothing was sent. The script now watches both boxes, and the /ai-sdk composer
 * sends the box's text at that Enter once the chat has opened (its messages read, no answer running),
 * keeping what was typed after it. Page rendered by tests/support/ai-sdk-page.ts (chat c1 reloaded).
 */
import { describe, expect, it, vi } from 'vitest'
import { reactive } from 'vue'
import type { UIMessage } from 'ai'
import { AI_SDK_BOX_ID, COMPOSER_BOX_IDS } from '../../demo/app/lib/composer-boxes'
import { EARLY_COMPOSER_GLOBAL, type EarlyComposerState } from '../../demo/app/lib/early-composer'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

/** The inline script noted an Enter in `box` with the box's text `entered`; returns its state. */
function notedEnter(entered: string, box = 'ai-sdk-input'): EarlyComposerState {
  const state: EarlyComposerState = { entered, box, stop: vi.fn() }
  ;(globalThis.window as unknown as Record<string, unknown>)[EARLY_COMPOSER_GLOBAL] = state
  return state
}

/** Mounts the page with `typed` in the server's box (Vue's v-model keeps it at hydration). */
function mountTyped(typed: string): FakeNode {
  const box = allNodes(page.mount()).find(item => item.tag === 'textarea')!
  box.value = typed
  for (const listener of box.listeners.input ?? []) listener({ target: box })
  return box
}

function lastPostedText(): string | undefined {
  const last = page.posted.at(-1)?.messages.at(-1) as UIMessage | undefined
  return last?.parts.map(part => (part.type === 'text' ? part.text : '')).join('')
}

/** The chat's messages, read once `release` is called. */
function heldRead(): () => void {
  let release = () => {}
  page.messageReads = [async () => new Promise((resolve) => {
    release = () => resolve({ messages: [] })
  })]
  return () => release()
}

describe('/ai-sdk page: an Enter pressed before the page is interactive', () => {
  it('is sent once the chat is read; what was typed after it stays in the box', async () => {
    const state = notedEnter('Hello')
    const release = heldRead()
    const box = mountTyped('Hello and more')
    // The page's box is one the inline script watches.
    expect(box.props.id).toBe(AI_SDK_BOX_ID)
    expect(COMPOSER_BOX_IDS).toContain(box.props.id)
    await settle()
    // The script stopped; the chat's messages are on their way: the Enter waits for them.
    expect(state.stop).toHaveBeenCalledOnce()
    expect(page.posted).toEqual([])

    release()
    await settle()
    expect(page.posted).toHaveLength(1)
    expect(lastPostedText()).toBe('Hello')
    expect(box.value).toBe(' and more')
  })

  it('on a new chat, is sent at once, into the chat the URL then names (its id is the chat\'s before the URL has it)', async () => {
    notedEnter('Hello')
    const route = reactive({ query: {} as Record<string, string> })
    let navigate = () => {}
    vi.stubGlobal('useRoute', () => route)
    vi.stubGlobal('useRouter', () => ({
      replace: async ({ query }: { query: Record<string, string> }) => {
        navigate = () => void (route.query = query)
      },
    }))
    const box = mountTyped('Hello')
    await settle()
    expect(page.posted).toHaveLength(1)
    expect(page.posted[0]).toMatchObject({ id: 'c2' })
    expect(lastPostedText()).toBe('Hello')
    expect(box.value).toBe('')

    // The URL takes that chat's id: the chat goes on (nothing read, nothing posted again).
    navigate()
    await settle()
    expect(route.query).toEqual({ chat: 'c2' })
    expect(page.posted).toHaveLength(1)
    expect(page.requests.filter(request => request.startsWith('GET'))).toEqual([])
  })

  it('is not sent when the chat\'s answer runs on (the resume found it): the text stays, the next Enter sends', async () => {
    notedEnter('Hello')
    const reachable = globalThis.fetch
    // The resume finds the answer at work: its stream opens and stays open.
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => {
      if (init?.method === 'POST') return reachable(url, init as RequestInit)
      const running = new ReadableStream<Uint8Array>({ start: controller => controller.enqueue(new TextEncoder().encode('data: {"type":"start","messageId":"job-1"}\n\n')) })
      return new Response(running, { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
    })
    page.loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Tell me a long story' }] }]
    const box = mountTyped('Hello')
    await settle()
    expect(page.posted).toEqual([])
    expect(box.value).toBe('Hello')
  })

  it('is not sent when the chat could not be read: the text stays, the next Enter sends', async () => {
    notedEnter('Hello')
    page.messageReads = [async () => Promise.reject(new TypeError('[GET] "/api/jobs/chat/c1/messages": <no response> Failed to fetch'))]
    const box = mountTyped('Hello')
    await settle()
    expect(page.posted).toEqual([])
    expect(box.value).toBe('Hello')
  })

  it('is not sent when the text changed under it', async () => {
    notedEnter('Hello')
    const changed = mountTyped('Help')
    await settle()
    expect(page.posted).toEqual([])
    expect(changed.value).toBe('Help')
  })

  it('is not taken from the main chat\'s box', async () => {
    notedEnter('Hello', 'composer-input')
    const box = mountTyped('Hello')
    await settle()
    expect(page.posted).toEqual([])
    expect(box.value).toBe('Hello')
  })

  it('sends nothing more once the box sent a message itself', async () => {
    notedEnter('Hello')
    const release = heldRead()
    const box = mountTyped('Hello')
    // The app's own Enter, before the composer took the early one: Send waits (the chat is read).
    ;(box.props.onKeydown as (event: unknown) => void)({ key: 'Enter', shiftKey: false, isComposing: false, keyCode: 13, preventDefault: () => {} })
    release()
    await settle()
    expect(page.posted).toEqual([])
    expect(box.value).toBe('Hello')
  })
})
