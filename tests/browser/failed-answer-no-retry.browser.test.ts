/**
 * A failed answer that asking again cannot help (Chromium): Retry was offered under every failure,
 * also where the same message fails the same way — here one too long for the model's context
 * budget (a budget of 50 tokens, which no message with the demo's tools fits). The turn now says
 * what to do instead (shorten the message, or start a new thread) and offers no Retry; the
 * message's Edit is there for it. lib/failure-kinds.ts decides per error code
 * (demo-failure-kinds.test.ts goes through every code docs/api.md lists).
 */
import { describe, expect, it } from 'vitest'
import { failureSentence } from '../../demo/app/lib/failure-kinds'
import { useDemoInBrowser } from './support/browser'
import { openChat, send, serverState, turn, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser({ NUXT_BACKGROUND_JOBS_UPSTREAM_CONTEXT_TOKENS: '50' })

describe('demo chat: a failed answer that asking again cannot help', () => {
  it('says what to do instead and offers no Retry', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Hello there')
    await waitForStatus(page, jobId, 'failed')
    const { error } = await serverState(page, jobId)
    expect(error?.code).toBe('context-budget-exceeded')

    const failed = turn(page, jobId)
    expect((await failed.locator('.failure-note [role="alert"]').textContent())?.trim()).toBe(failureSentence(error!))
    expect(failureSentence(error!)).toMatch(/Shorten it, or start a new thread/)
    expect(await failed.getByRole('button', { name: 'Retry' }).count()).toBe(0)
    // What to do instead is at hand: the message's Edit (shown on hover, as in ChatGPT and Claude).
    await failed.locator('.user-message').hover()
    expect(await failed.getByRole('button', { name: 'Edit message' }).isVisible()).toBe(true)
  })
})
