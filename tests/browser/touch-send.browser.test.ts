/**
 * Where the focus goes after Send, in the main chat and on /ai-sdk. With a keyboard it stays in the
 * box (the next message is typed at once). On a touch screen the box gave it back to itself after
 * the tap on Send, so the on-screen keyboard stayed up (or, where the tap had taken the focus,
 * closed and came back) over the answer being streamed. Now the thread takes it, with no scroll:
 * the keyboard closes and the answer is in view, as after Stop, Retry or an approval tapped there.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { BrowserLook } from './support/browser'
import { useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat as openChatPage, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()
const openChat = (look: BrowserLook = {}, path = '/'): Promise<Page> => openChatPage(demo, look, path)

const PHONE_375 = { width: 375, height: 740 }

/** The focused element's id, or its tag and class. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || `${document.activeElement?.tagName}.${document.activeElement?.className}`)

/** Types in the box as a finger does (a tap on it first), then taps Send. */
async function tapToSend(page: Page, box: string, text: string): Promise<void> {
  await page.locator(box).tap()
  await page.locator(box).fill(text)
  expect(await focused(page)).toBe(box.slice(1))
  await page.getByRole('button', { name: 'Send' }).tap()
}

/** Waits until the focus is in the thread (its section or heading), not in the box. */
async function waitForFocusInThread(page: Page): Promise<void> {
  await page.waitForFunction(() => document.activeElement?.closest('section.thread') !== null && !document.activeElement?.matches('textarea'), null, { timeout: WAIT_MS })
}

describe('demo chat: the focus after Send', () => {
  it('on a touch screen goes to the thread (the on-screen keyboard closes over the answer), in the main chat', async () => {
    const page = await openChat({ viewport: PHONE_375, touch: true })
    await tapToSend(page, '#composer-input', 'Hello from a phone')
    await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
    await waitForFocusInThread(page)
    await waitForStatus(page, (await page.locator('.turn').first().getAttribute('data-job-id'))!, 'completed')
    expect(await focused(page)).not.toBe('composer-input')
    expect(await page.evaluate(() => document.activeElement?.closest('section.thread') !== null)).toBe(true)
  })

  it('on a touch screen goes to the chat on /ai-sdk', async () => {
    const page = await openChat({ viewport: PHONE_375, touch: true }, '/ai-sdk')
    await page.waitForURL(/[?&]chat=/)
    await tapToSend(page, '#ai-sdk-input', 'Hello from a phone')
    await page.locator('.turn[data-role="assistant"]').first().waitFor({ timeout: WAIT_MS })
    await waitForFocusInThread(page)
    await page.waitForFunction(() => document.querySelector('[data-chat-status]')?.textContent === 'ready', undefined, { timeout: WAIT_MS })
    expect(await focused(page)).not.toBe('ai-sdk-input')
  })

  it('with a mouse and keyboard stays in the box (Send clicked), in the main chat and on /ai-sdk', async () => {
    for (const [path, box] of [['/', '#composer-input'], ['/ai-sdk', '#ai-sdk-input']] as const) {
      const page = await openChat({}, path)
      await page.locator(box).fill('Hello from a desktop')
      await page.getByRole('button', { name: 'Send' }).click()
      await page.locator('.turn').first().waitFor({ timeout: WAIT_MS })
      expect(await focused(page)).toBe(box.slice(1))
    }
  })
})
