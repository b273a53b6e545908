/**
 * A message sent on a new /ai-sdk chat before its id was in the URL went into a chat that was then
 * thrown away: `useChat` was keyed by the URL's `?chat=`, so it ran under an id of the SDK's own
 * until the URL had the new chat's, then started over empty. The message and its answer were in
 * neither the chat on screen nor its URL (the sidebar listed them as another thread). Seen in
 * Chromium: "The same, with the AI SDK's useChat" pressed on a chat leaves the URL without a chat
 * for a dozen tasks, long enough for an Enter. A new chat now has its id from the moment it opens,
 * `useChat` keyed by it, and the URL takes that same id. Page rendered by tests/support/ai-sdk-page.ts;
 * here the router's navigation lands only when the test says (`land`).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { reactive } from 'vue'
import type { UIMessage } from 'ai'
import type { DeletedJob } from '../../app/lib/deleted-jobs'
import type { FakeNode } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { submitMessage, typeMessage, userMessages } from '../support/ai-sdk-composer'

const page = usePage()

let route: { query: Record<string, string> }
/** Navigations asked for and not landed yet. */
let asked: Array<Record<string, string>>
let deleted: (job: DeletedJob) => void

beforeEach(() => {
  route = reactive({ query: {} })
  asked = []
  vi.stubGlobal('useRoute', () => route)
  vi.stubGlobal('useRouter', () => ({ replace: async ({ query }: { query: Record<string, string> }) => void asked.push(query) }))
  vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: (listener: typeof deleted) => void (deleted = listener) }))
})

/** The navigations asked for land (the URL has what the page wrote into it). */
async function land(): Promise<void> {
  for (const query of asked.splice(0)) route.query = query
  await settle()
}

/** Sends "Hello" while the URL has no new chat yet; then the navigation lands. */
async function sendThenLand(root: FakeNode): Promise<void> {
  await typeMessage(root, 'Hello')
  await submitMessage(root)
  await land()
}

/** "Hello" went into the new chat, c2, alone (no earlier chat's messages as history); the URL names that chat and the page shows it. */
function expectHelloInNewChat(root: FakeNode): void {
  expect(page.posted.map(body => [(body as { id?: string }).id, body.messages.length])).toEqual([['c2', 1]])
  expect(route.query).toEqual({ chat: 'c2' })
  expect(userMessages(root)).toEqual(['Hello'])
}

const user = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] })
const answer = (id: string, text: string): UIMessage => ({ id, role: 'assistant', parts: [{ type: 'text', text, state: 'done' }] })

/** The page on chat c1, its messages read: "Earlier", answered. */
async function mountOnChat(): Promise<FakeNode> {
  route.query = { chat: 'c1' }
  page.loaded = [user('u1', 'Earlier'), answer('job-1', 'Yes.')]
  const root = page.mount()
  await settle()
  expect(userMessages(root)).toEqual(['Earlier'])
  return root
}

describe('/ai-sdk page: a message sent before the new chat\'s id is in the URL', () => {
  it('opened without a chat: goes into the chat the URL then names, and stays on screen', async () => {
    const root = page.mount()
    await settle()
    expect(asked).toEqual([{ chat: 'c2' }])
    await sendThenLand(root)
    expectHelloInNewChat(root)
  })

  it('"new chat" pressed on another chat (the URL without a chat for a while): the same', async () => {
    const root = await mountOnChat()
    // The sidebar's link to /ai-sdk: no chat in the URL until the page wrote the new one's.
    route.query = {}
    await settle()
    expect(userMessages(root)).toEqual([])
    await sendThenLand(root)
    expectHelloInNewChat(root)
  })

  it('the chat deleted whole (a new chat opens): goes into the new chat, not the deleted one', async () => {
    const root = await mountOnChat()
    deleted({ jobId: 'job-1', threadId: 'c1', origin: 'here' })
    await settle()
    expect(asked).toEqual([{ chat: 'c2' }])
    await sendThenLand(root)
    expectHelloInNewChat(root)
  })
})

// Before, the page took the chat it had opened new for new still (nothing to read): Forward showed it empty.
describe('/ai-sdk page: a new chat left and come back to (Back, then Forward)', () => {
  it('is read from the server as any chat: its messages show, not an empty new chat', async () => {
    const root = page.mount()
    await settle()
    await sendThenLand(root)
    page.messageReads = [
      async () => ({ messages: [user('u1', 'Earlier'), answer('job-1', 'Yes.')] }),
      async () => ({ messages: [user('u2', 'Hello'), answer('job-2', 'Hi.')] }),
    ]
    route.query = { chat: 'c1' }
    await settle()
    expect(userMessages(root)).toEqual(['Earlier'])
    route.query = { chat: 'c2' }
    await settle()
    expect(page.messageReads).toEqual([])
    expect(userMessages(root)).toEqual(['Hello'])
    // Nothing opened anew: no navigation asked for.
    expect(asked).toEqual([])
  })
})
