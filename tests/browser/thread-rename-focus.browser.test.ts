/**
 * Renaming a thread on a slow network (Chromium): Enter saves and, once the save is done, the
 * focus goes back to the thread — but it did so whatever the user had done meanwhile, so a user who
 * pressed Enter, clicked in the message box and started typing had the focus taken to the sidebar
 * mid-word when the save came back (the rest of the message went nowhere). The save's answer is
 * held here until the user has moved on; the focus and the text stay in the box. Without a detour,
 * the focus still goes back to the thread.
 */
import { describe, expect, it } from 'vitest'
import type { Page, Route } from 'playwright-core'
import { useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-thread-id') ?? document.activeElement?.id ?? document.activeElement?.tagName ?? null)

/** Holds the page's PATCH of a thread's title until `release` is called. */
async function holdRenames(page: Page): Promise<{ held: Promise<void>, release: () => void }> {
  let release!: () => void
  let onHeld!: () => void
  const released = new Promise<void>(resolve => release = resolve)
  const held = new Promise<void>(resolve => onHeld = resolve)
  await page.route('**/api/jobs/threads/*', async (route: Route) => {
    if (route.request().method() !== 'PATCH') return route.fallback()
    onHeld()
    await released
    await route.fallback()
  })
  return { held, release }
}

describe('demo chat: the focus after renaming a thread', () => {
  it('stays where the user put it while the save was on its way; else goes back to the thread', async () => {
    const page = await openChat(demo)
    const jobId = await send(page, 'Hello there')
    await waitForStatus(page, jobId, 'completed')
    const threadId = await page.locator('.thread-link').first().getAttribute('data-thread-id')
    const field = page.locator('.thread-rename-input')

    // Enter, then a click in the box and typing before the save comes back.
    const hold = await holdRenames(page)
    await page.locator(`button[data-rename-thread="${threadId}"]`).click()
    await field.fill('Greetings')
    await page.keyboard.press('Enter')
    await hold.held
    await page.locator('#composer-input').click()
    await page.keyboard.type('Next question')
    hold.release()
    await field.waitFor({ state: 'detached', timeout: WAIT_MS })
    await expect.poll(() => page.locator('.thread-link .thread-title').first().textContent(), { timeout: WAIT_MS }).toBe('Greetings')
    await page.keyboard.type(', please')
    expect(await focused(page)).toBe('composer-input')
    expect(await page.locator('#composer-input').inputValue()).toBe('Next question, please')

    // No detour: back on the thread.
    await page.unroute('**/api/jobs/threads/*')
    await page.locator(`button[data-rename-thread="${threadId}"]`).click()
    await field.fill('Greetings again')
    await page.keyboard.press('Enter')
    await field.waitFor({ state: 'detached', timeout: WAIT_MS })
    await expect.poll(() => focused(page), { timeout: WAIT_MS }).toBe(threadId)
  })
})
