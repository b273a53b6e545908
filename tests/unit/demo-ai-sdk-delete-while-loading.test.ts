/**
 * A turn of the open /ai-sdk chat deleted (here or in another tab) while the chat's messages are
 * still being read: the page had no messages yet, took "nothing left" for a chat deleted whole and
 * opened a new chat — the rest of the conversation never showed. Now the read decides: its list
 * comes without the deleted turn (a read that started before the delete still has it), and a new
 * chat opens only when no answer is left. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import type { DeletedJob } from '../../app/lib/deleted-jobs'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

let deleted: (job: DeletedJob) => void
let replaced: unknown[]
let toasts: unknown[]

beforeEach(() => {
  replaced = []
  toasts = []
  vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: (listener: typeof deleted) => void (deleted = listener) }))
  vi.stubGlobal('useRouter', () => ({ replace: (to: unknown) => void replaced.push(to) }))
  vi.stubGlobal('useToasts', () => ({ push: (toast: unknown) => void toasts.push(toast) }))
})

const user = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] })
const answer = (id: string, text: string): UIMessage => ({ id, role: 'assistant', parts: [{ type: 'text', text, state: 'done' }] })

function shownIds(root: FakeNode): string[] {
  return allNodes(root).flatMap(item => (typeof item.props['data-message-id'] === 'string' ? [item.props['data-message-id']] : []))
}

/** Mounts the page with its messages read held; returns the root and the read's answer. */
async function mountLoading(): Promise<{ root: FakeNode, read: (messages: UIMessage[]) => Promise<void> }> {
  let respond!: (value: unknown) => void
  page.messageReads = [async () => new Promise((resolve) => {
    respond = resolve
  })]
  const root = page.mount()
  await settle()
  return { root, read: async (messages) => {
    respond({ messages })
    await settle()
  } }
}

describe('/ai-sdk page: a turn deleted while the chat loads', () => {
  it('shows the turns left, without the deleted one, and opens no new chat', async () => {
    const { root, read } = await mountLoading()
    deleted({ jobId: 'job-1', threadId: 'c1', origin: 'elsewhere' })
    await settle()
    // The read started before the delete: it still has the deleted turn.
    await read([user('u1', 'First'), answer('job-1', 'One.'), user('u2', 'Second'), answer('job-2', 'Two.')])
    expect(replaced).toEqual([])
    expect(toasts).toEqual([])
    expect(shownIds(root)).toEqual(['u2', 'job-2'])
  })

  it('opens a new chat when the read leaves no answer (the chat deleted whole)', async () => {
    const { root, read } = await mountLoading()
    deleted({ jobId: 'job-1', threadId: 'c1', origin: 'elsewhere' })
    await read([user('u1', 'First'), answer('job-1', 'One.')])
    expect(replaced).toEqual([{ query: { chat: 'c2' } }])
    expect(toasts).toHaveLength(1)
    expect(shownIds(root)).toEqual([])
  })

  it('once loaded, as before: a deleted turn leaves at once, the last one opens a new chat', async () => {
    const { root, read } = await mountLoading()
    await read([user('u1', 'First'), answer('job-1', 'One.'), user('u2', 'Second'), answer('job-2', 'Two.')])
    deleted({ jobId: 'job-1', threadId: 'c1', origin: 'here' })
    await settle()
    expect(shownIds(root)).toEqual(['u2', 'job-2'])
    expect(replaced).toEqual([])
    deleted({ jobId: 'job-2', threadId: 'c1', origin: 'here' })
    await settle()
    expect(replaced).toEqual([{ query: { chat: 'c2' } }])
    expect(toasts).toEqual([])
  })
})
