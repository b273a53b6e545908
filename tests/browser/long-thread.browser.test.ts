/**
 * A long conversation keeps going. Every chat turn sends the thread's history, and the server
 * refuses a body past `limits.maxMessages` or `limits.maxBodyBytes` (here lowered to 10 messages
 * and 32 KB, so a few turns reach what 100 turns, or a few pasted documents, reach by default):
 * the demo sends the newest turns that fit, and says in words when one message alone is too long.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, recordStarts, send, waitForStatus } from './support/chat-page'

const MAX_MESSAGES = 10
const MAX_BODY_BYTES = 32_768
const demo = useDemoInBrowser({
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGES: String(MAX_MESSAGES),
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
})

async function sendAndFinish(page: Page, text: string): Promise<string> {
  const jobId = await send(page, text)
  await waitForStatus(page, jobId, 'completed')
  return jobId
}

describe('demo chat: a long thread', () => {
  it('sends turn after turn past limits.maxMessages: the newest whole turns that fit go as history', async () => {
    const page = await openChat(demo)
    await page.locator('.composer-option input').uncheck()
    const bodies = recordStarts(page)
    for (let index = 1; index <= 6; index++) await sendAndFinish(page, `Message ${index}`)
    expect(await page.locator('.turn[data-status="completed"]').count()).toBe(6)
    expect(await page.locator('.composer-error').count()).toBe(0)
    const last = bodies.at(-1)!.messages
    expect(last.length).toBeLessThanOrEqual(MAX_MESSAGES)
    // Turns 2 to 5 (8 messages) and the prompt: turn 1 too would make 11.
    expect(last.map(message => message.role === 'user' ? message.content : 'answer')).toEqual([
      'Message 2', 'answer', 'Message 3', 'answer', 'Message 4', 'answer', 'Message 5', 'answer', 'Message 6',
    ])
  })

  it('sends pasted documents turn after turn within limits.maxBodyBytes, and says when one alone is too long', async () => {
    const page = await openChat(demo)
    const bodies = recordStarts(page)
    for (let index = 1; index <= 4; index++) await sendAndFinish(page, `Document ${index}: ${'lorem ipsum dolor sit amet '.repeat(333)}`)
    expect(await page.locator('.composer-error').count()).toBe(0)
    for (const body of bodies) expect(body.bytes).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(bodies.at(-1)!.messages[0]!.content).toMatch(/^Document [23]:/)

    // One message bigger than the whole body: caught before sending, in words, the draft kept.
    const huge = `Document 5: ${'lorem ipsum dolor sit amet '.repeat(1_300)}`
    await page.locator('#composer-input').fill(huge)
    await page.locator('#composer-input').press('Enter')
    await page.locator('.composer-error').waitFor({ timeout: WAIT_MS })
    expect(await page.locator('.composer-error').textContent()).toMatch(/^Your message is too long to send \(35,\d{3} characters\)\. Shorten it, or split it into parts\.$/)
    expect(await page.locator('#composer-input').inputValue()).toBe(huge)
    expect(bodies).toHaveLength(4)
    await screenshot(page, 'long-thread-too-long-message')
  })
})
