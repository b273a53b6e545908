/**
 * The demo's /ai-sdk page (demo/app/pages/ai-sdk.vue) rendered in Node with its template compiled
 * for the browser (tests/support/demo-client-render.ts) and the real `useChat`: the messages route
 * answers as the test says, the SDK's transport gets a `204` to its resume and a stream left open
 * to each post (the answer is on its way). Call `usePage()` at the top of a test file.
 */
import { afterEach, beforeEach, vi } from 'vitest'
import type { UIMessage } from 'ai'
import type { Component } from 'vue'
import { createComposableApp } from './composable-app'
import type { ComposableApp } from './composable-app'
import { mountDemoComponent } from './demo-component'
import { stubAiSdkPageGlobals } from './ai-sdk-page-globals'
import type { FakeNode } from './demo-client-render'
import { allNodes, mountClient, stubDocument, withClientTemplate } from './demo-client-render'
import { click } from './ai-sdk-composer'
import AiSdkPageSsr from '../../demo/app/pages/ai-sdk.vue'
import AiSdkToolPartSsr from '../../demo/app/components/AiSdkToolPart.vue'
import AiSdkTextPartSsr from '../../demo/app/components/AiSdkTextPart.vue'
import MarkdownBlocksSsr from '../../demo/app/components/MarkdownBlocks.vue'
import AiSdkMessageSsr from '../../demo/app/components/AiSdkMessage.vue'
import AiSdkComposerSsr from '../../demo/app/components/AiSdkComposer.vue'
import UserMessageSsr from '../../demo/app/components/UserMessage.vue'

const AiSdkPage = withClientTemplate(AiSdkPageSsr, 'demo/app/pages/ai-sdk.vue')
const AiSdkToolPart = withClientTemplate(AiSdkToolPartSsr, 'demo/app/components/AiSdkToolPart.vue')
const AiSdkTextPart = withClientTemplate(AiSdkTextPartSsr, 'demo/app/components/AiSdkTextPart.vue')
const MarkdownBlocks = withClientTemplate(MarkdownBlocksSsr, 'demo/app/components/MarkdownBlocks.vue')
const AiSdkMessage = withClientTemplate(AiSdkMessageSsr, 'demo/app/components/AiSdkMessage.vue')
const UserMessage = withClientTemplate(UserMessageSsr, 'demo/app/components/UserMessage.vue')
const AiSdkComposer = withClientTemplate(AiSdkComposerSsr, 'demo/app/components/AiSdkComposer.vue')

/** What a test sets up and reads; reset before each test. */
export interface PageWorld {
  /** The chat's messages as the messages route gives them. */
  loaded: UIMessage[]
  /** Answers the page's next reads of the messages instead of `loaded` (oldest first). */
  messageReads: Array<() => Promise<unknown>>
  /** Requests the SDK's transport made (method and URL). */
  requests: string[]
  /** The bodies it posted, parsed. */
  posted: Array<{ messages: UIMessage[] }>
  /** The chats the page asked the abort route to stop (one entry a request). */
  aborts: string[]
  /** Answers the page's next abort requests instead of `{ jobs: [] }` (oldest first). */
  abortReads: Array<() => Promise<unknown>>
  /** Writes SSE text to the newest posted answer's stream (`close`: then ends it). */
  answer: (text: string, close?: boolean) => void
  /** Mounts the page; returns its root. */
  mount: () => FakeNode
}

/** The page's Retry buttons under answers. */
export function retryButtons(root: FakeNode): FakeNode[] {
  return allNodes(root).filter(item => item.tag === 'button' && String(item.props.class ?? '').includes('retry-answer'))
}

/** Clicks the first Retry under an answer and returns what the SDK posted for it (its trigger and the messages' ids). */
export async function retryFirstAnswer(page: PageWorld, root: FakeNode): Promise<{ trigger?: string, ids: string[] }> {
  click(retryButtons(root)[0]!)
  await settle()
  const posted = page.posted.at(-1) as { trigger?: string, messages: UIMessage[] }
  return { trigger: posted.trigger, ids: posted.messages.map(message => message.id) }
}

/** Lets the streams, the SDK and Vue's watchers run (no timers involved). */
export async function settle(): Promise<void> {
  for (let round = 0; round < 30; round++) await new Promise(resolve => setImmediate(resolve))
}

export function usePage(): PageWorld {
  let app: ComposableApp
  let answers: ReadableStreamDefaultController<Uint8Array>[] = []
  const world: PageWorld = {
    loaded: [],
    messageReads: [],
    requests: [],
    posted: [],
    aborts: [],
    abortReads: [],
    answer: (text, close = false) => {
      const stream = answers.at(-1)!
      stream.enqueue(new TextEncoder().encode(text))
      if (close) stream.close()
    },
    mount: () => {
      // The auto-imports (Vue's API, the demo's composables) the page's setup uses.
      mountDemoComponent(app, { render: () => null } as Component, {})
      return mountClient(AiSdkPage, { AiSdkComposer, AiSdkMessage, AiSdkToolPart, AiSdkTextPart, MarkdownBlocks, UserMessage }).container
    },
  }
  beforeEach(() => {
    world.loaded = []
    world.messageReads = []
    world.requests = []
    world.posted = []
    world.aborts = []
    world.abortReads = []
    answers = []
    app = createComposableApp(async (url) => {
      if (url.endsWith('/messages')) return world.messageReads.shift()?.() ?? { messages: world.loaded }
      if (url.endsWith('/abort')) {
        world.aborts.push(url)
        return world.abortReads.shift()?.() ?? { jobs: [] }
      }
      throw new Error(`unexpected $fetch ${url}`)
    })
    stubAiSdkPageGlobals()
    // The page's own listeners (a draft's save on pagehide) have nothing to listen to here.
    vi.stubGlobal('window', { matchMedia: () => ({ matches: false }), addEventListener: () => {}, removeEventListener: () => {} })
    stubDocument()
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string, body?: string }) => {
      world.requests.push(`${init?.method ?? 'GET'} ${url}`)
      // Nothing runs to resume; a posted message's answer stays open (it is on its way).
      if (!init?.method || init.method === 'GET') return new Response(null, { status: 204 })
      world.posted.push(JSON.parse(init.body ?? '{}') as { messages: UIMessage[] })
      return new Response(new ReadableStream<Uint8Array>({ start: controller => void answers.push(controller) }), { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
    })
  })
  afterEach(() => {
    app.dispose()
  })
  return world
}

/**
 * From now on, each post's answer is a stream the test writes and breaks (`stream()`: the newest
 * post's); the page's other requests go where they went before (the messages route as the test says).
 */
export function holdPostStreams(): { stream: () => ReadableStreamDefaultController<Uint8Array> } {
  const reachable = globalThis.fetch
  let newest: ReadableStreamDefaultController<Uint8Array> | undefined
  vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => {
    if (init?.method !== 'POST') return reachable(url, init as RequestInit)
    return new Response(new ReadableStream<Uint8Array>({ start: controller => void (newest = controller) }), { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
  })
  return {
    stream() {
      if (!newest) throw new Error('no post was answered yet')
      return newest
    },
  }
}
