/**
 * A message sent on the /ai-sdk page while the server could not be reached (it was restarting, the
 * network was gone) said "Couldn’t reach the server — your message wasn’t sent. Try again.", yet
 * stayed in the conversation as if sent, and its text was gone from the box: trying again meant
 * typing it again, and the next message carried the unsent one as history (two user messages in
 * a row, the first never answered). Like a refused one, it now leaves the chat and its text goes
 * back to the box, as in the main chat. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { composerBox as box, typeMessage as type, submitMessage as submit, userMessages } from '../support/ai-sdk-composer'

const page = usePage()

describe('/ai-sdk page: a message sent while the server cannot be reached', () => {
  it('goes back to the box, out of the conversation, and is not sent later as history', async () => {
    const root = page.mount()
    await settle()
    const reachable = globalThis.fetch
    let down = true
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => {
      // What a browser's fetch does when nothing answers.
      if (down && init?.method === 'POST') throw new TypeError('Failed to fetch')
      return reachable(url, init as RequestInit)
    })
    await type(root, 'Are you there?')
    await submit(root)
    expect(allNodes(root).some(item => textOf(item).includes('Couldn’t reach the server — your message wasn’t sent. Try again.'))).toBe(true)
    expect(userMessages(root)).toEqual([])
    expect(box(root).value).toBe('Are you there?')

    down = false
    await submit(root)
    expect(page.posted.map(body => body.messages.map(message => message.role))).toEqual([['user']])
    expect(userMessages(root)).toEqual(['Are you there?'])
  })
})
