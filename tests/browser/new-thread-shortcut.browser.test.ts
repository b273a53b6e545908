/**
 * The new-chat shortcut (Chromium, desktop): ChatGPT opens a new chat on Ctrl+Shift+O (⌘⇧O on a
 * Mac), from anywhere, the message box included; the demo had no key for it — a keyboard user
 * tabbed back through the page to the sidebar's "+ New thread". The shortcut now opens a new thread
 * with the focus in its box, keeps the open thread's unsent draft, and does nothing over the delete
 * confirmation (a modal dialog).
 */
import { describe, expect, it } from 'vitest'
import { LONG_PROMPT, MID_ANSWER_CHARS, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, serverState, waitForAnswerChars, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

describe('demo chat: Ctrl+Shift+O opens a new thread', () => {
  it('from the message box of an open thread: a new thread, the focus in its box, the old draft kept', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Hello there')
    await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
    const threadUrl = page.url()
    await waitForStatus(page, jobId, 'completed')
    await page.locator('#composer-input').fill('Half a thought')

    await page.locator('#composer-input').press('Control+Shift+O')
    await page.waitForURL(`${demo.url}/`, { timeout: WAIT_MS })
    await page.locator('.turn').first().waitFor({ state: 'detached', timeout: WAIT_MS })
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: WAIT_MS }).toBe('composer-input')
    expect(await page.locator('#composer-input').inputValue()).toBe('')

    // Pressed on the new thread already open: it stays, the focus goes back to the box.
    await page.locator('.new-thread').focus()
    await page.keyboard.press('Control+Shift+O')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: WAIT_MS }).toBe('composer-input')

    await page.goBack()
    await page.waitForURL(threadUrl, { timeout: WAIT_MS })
    await expect.poll(() => page.locator('#composer-input').inputValue(), { timeout: WAIT_MS }).toBe('Half a thought')
  })

  it('does nothing while the delete confirmation is open', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Hello there')
    await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
    const threadUrl = page.url()
    await waitForStatus(page, jobId, 'completed')
    await page.locator('button[data-delete-thread]').first().click()
    const dialog = page.locator('dialog.confirm-dialog')
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS })
    await page.keyboard.press('Control+Shift+O')
    expect(await dialog.isVisible()).toBe(true)
    expect(page.url()).toBe(threadUrl)
  })
})

/**
 * Shift+Escape (ChatGPT's "focus the message box"): a keyboard user on a thread link or an
 * answer's button had to tab back through the page to reach the box. It now puts the focus there
 * from anywhere, and in the box changes nothing — Escape alone stops the answer; Shift+Escape must
 * not (it did: the box read every Escape as a stop).
 */
describe('demo chat: Shift+Escape puts the focus in the message box', () => {
  it('from the thread list while an answer streams, without stopping it; in the box it stops nothing', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    await page.locator('.thread-link').first().focus()

    await page.keyboard.press('Shift+Escape')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: WAIT_MS }).toBe('composer-input')
    await page.keyboard.press('Shift+Escape')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input')
    // The answer runs on to its end: neither press stopped it.
    await waitForStatus(page, jobId, 'completed')
    expect((await serverState(page, jobId)).status).toBe('completed')
  })
})
