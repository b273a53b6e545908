/**
 * The demo's text fields on a phone (a touch screen): every one was 15px, and iOS Safari zooms the
 * page in when a field under 16px takes the focus (and leaves it zoomed) — a tap on the message box,
 * Edit or Rename pushed the conversation half off screen, which ChatGPT and Claude avoid with 16px
 * fields. Chromium does not zoom, so the test reads the sizes the phone would: the composer (main
 * chat and /ai-sdk), the message editor and the rename field are 16px on a touch screen, and keep
 * the page's 15px with a mouse.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { PHONE, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, send, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

const fontSize = (page: Page, selector: string) => page.locator(selector).first().evaluate(element => getComputedStyle(element).fontSize)

/** The font sizes of the main chat's text fields: the box, then (one answer later) Edit's and Rename's. */
async function fieldSizes(page: Page): Promise<Record<string, string>> {
  const sizes: Record<string, string> = { composer: await fontSize(page, '#composer-input') }
  const jobId = await send(page, 'Hello')
  await waitForStatus(page, jobId, 'completed')
  await page.getByRole('button', { name: 'Edit message' }).click()
  await page.locator('.message-editor-input').waitFor({ timeout: WAIT_MS })
  sizes.editor = await fontSize(page, '.message-editor-input')
  await page.getByRole('button', { name: 'Cancel' }).click()
  // On a phone the list is in the drawer.
  const toggle = page.locator('[aria-controls="thread-sidebar"]')
  if (await toggle.isVisible()) await toggle.click()
  await page.locator('button.thread-rename-button').first().click()
  await page.locator('.thread-rename-input').waitFor({ timeout: WAIT_MS })
  sizes.rename = await fontSize(page, '.thread-rename-input')
  return sizes
}

describe('demo chat: text fields on a phone', () => {
  it('are 16px on a touch screen (iOS zooms in on a smaller one), the page\'s 15px with a mouse', async () => {
    const phone = await openChat(demo, { viewport: PHONE, touch: true })
    expect(await fieldSizes(phone)).toEqual({ composer: '16px', editor: '16px', rename: '16px' })
    await screenshot(phone, 'phone-rename-field-16px')
    const aiSdk = await openChat(demo, { viewport: PHONE, touch: true }, '/ai-sdk')
    expect(await fontSize(aiSdk, '#ai-sdk-input')).toBe('16px')

    const desktop = await openChat(demo)
    expect(await fieldSizes(desktop)).toEqual({ composer: '15px', editor: '15px', rename: '15px' })
  })
})
