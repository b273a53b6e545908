/**
 * The /ai-sdk page's browser tab always read "Background jobs chat", whichever chat was open and
 * whatever the user renamed it to in the sidebar, where the main chat's tab, as ChatGPT's, names the
 * conversation. It now says the title the user gave the chat (the sidebar's list), else its first
 * message, then the app's name.
 */
import { describe, expect, it } from 'vitest'
import type { UIMessage } from 'ai'
import type { ThreadSummary } from '../../app/lib/api-types'
import { settle, usePage } from '../support/ai-sdk-page'
import { headTitles, threadListData } from '../support/ai-sdk-page-globals'

const page = usePage()

const question: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Plan a **trip** to Lisbon' }] }
const answer: UIMessage = { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Sure.' }] }
const listed = (renamed: boolean, title: string) => ({ threads: [{ threadId: 'c1', title, renamed } as ThreadSummary] })
const tabTitle = () => headTitles.at(-1)?.()

describe('the /ai-sdk page\'s tab title', () => {
  it('names the chat by its first message, else the app alone', async () => {
    page.mount()
    expect(tabTitle()).toBe('Background jobs chat')
    page.loaded = [question, answer]
    page.mount()
    await settle()
    expect(tabTitle()).toBe('Plan a trip to Lisbon — Background jobs chat')
  })

  it('names it by the title the user gave it in the sidebar, as it changes', async () => {
    page.loaded = [question, answer]
    page.mount()
    await settle()
    threadListData.value = listed(true, 'Lisbon, May')
    expect(tabTitle()).toBe('Lisbon, May — Background jobs chat')
    threadListData.value = listed(false, 'Plan a trip to Lisbon')
    expect(tabTitle()).toBe('Plan a trip to Lisbon — Background jobs chat')
  })
})
