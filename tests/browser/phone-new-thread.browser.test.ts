/**
 * Starting a new chat on a phone (Chromium, 375 px touch screen): ChatGPT and Claude put a "new
 * chat" button in the phone's top bar, one tap from any conversation. The demo's only way was the
 * Threads drawer, then "+ New thread" in it (two taps, and the list covering the page meanwhile).
 * The top bar now has a "New thread" link of its own: a 40 px target, at the right end, that opens
 * `/` without opening the drawer; the desktop (no top bar) keeps the sidebar's button.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()
const PHONE_375 = { width: 375, height: 740 }

describe('demo chat: a new thread from the phone\'s top bar', () => {
  it('opens a new thread in one tap from an open one, the drawer staying closed', async () => {
    const page = await openChat(demo, { viewport: PHONE_375, touch: true })
    const jobId = await send(page, 'Hello there')
    await page.waitForURL(/\/threads\//, { timeout: WAIT_MS })
    await waitForStatus(page, jobId, 'completed')

    const newThread = page.locator('.topbar').getByRole('link', { name: 'New thread' })
    expect(await newThread.isVisible()).toBe(true)
    const box = (await newThread.boundingBox())!
    expect(box.width).toBeGreaterThanOrEqual(40)
    expect(box.height).toBeGreaterThanOrEqual(40)
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE_375.width)
    await screenshot(page, 'phone-top-bar-new-thread')

    await newThread.tap()
    await page.waitForURL(`${demo.url}/`, { timeout: WAIT_MS })
    await page.locator('.turn').first().waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await page.locator('#composer-input').inputValue()).toBe('')
    expect(await page.locator('.topbar-toggle').getAttribute('aria-expanded')).toBe('false')
    expect(await page.locator('#thread-sidebar').isVisible()).toBe(false)
  })

  it('is not in the way on a desktop, where the sidebar has "+ New thread"', async () => {
    const page = await openChat(demo)
    expect(await page.locator('.topbar').getByRole('link', { name: 'New thread' }).isVisible()).toBe(false)
    expect(await page.getByRole('link', { name: '+ New thread' }).isVisible()).toBe(true)
  })
})
