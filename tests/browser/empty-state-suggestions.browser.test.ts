/**
 * A new thread's starters (Chromium), as ChatGPT and Claude show them: buttons of their own, in a
 * grid on a desktop and one column on a 375 px phone. They stood inside sentences ("Ask [What time
 * is it?] or [Calculate 12 * 7] to see tools run."), where their 40 px touch height made uneven
 * lines and a phone wrapped a button to the start of a line with half a sentence after it.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { screenshot, useDemoInBrowser } from './support/browser'
import { openChat } from './support/chat-page'

const demo = useDemoInBrowser()
const PROMPTS = ['What time is it?', 'Calculate 12 * 7', 'Delete notes.txt', 'Deploy my site']

/** A starter: the button whose name begins with its prompt (what it puts in the box). */
function starter(page: Page, prompt: string) {
  return page.getByRole('button', { name: new RegExp(`^${prompt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
}

/** Each starter's box. */
async function starterBoxes(page: Page) {
  return Promise.all(PROMPTS.map(async (name) => {
    const box = await starter(page, name).boundingBox()
    expect(box, name).not.toBeNull()
    return { x: Math.round(box!.x), y: Math.round(box!.y), width: Math.round(box!.width), height: Math.round(box!.height) }
  }))
}

describe('demo chat: a new thread\'s starters', () => {
  it('stand in one column of equal buttons on a 375 px phone, each with a line of what it shows', async () => {
    const page = await openChat(demo, { viewport: { width: 375, height: 740 }, touch: true })
    const boxes = await starterBoxes(page)
    expect(new Set(boxes.map(box => box.x)).size, JSON.stringify(boxes)).toBe(1)
    expect(new Set(boxes.map(box => box.width)).size, JSON.stringify(boxes)).toBe(1)
    expect(boxes[0]!.width).toBeGreaterThanOrEqual(300)
    for (const [index, box] of boxes.entries()) {
      expect(box.height).toBeGreaterThanOrEqual(40)
      if (index > 0) expect(box.y).toBeGreaterThan(boxes[index - 1]!.y + boxes[index - 1]!.height - 1)
    }
    // Under its prompt, what it shows; heard in that order.
    expect(await starter(page, 'Delete notes.txt').locator('.suggestion-note').textContent()).toBe('The tool waits for your approval')
    // It puts its prompt in the box, without the line under it.
    await starter(page, 'Delete notes.txt').tap()
    expect(await page.locator('#composer-input').inputValue()).toBe('Delete notes.txt')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'empty-state-suggestions-phone')
  })

  it('stand in a grid of equal buttons on a desktop', async () => {
    const page = await openChat(demo)
    const boxes = await starterBoxes(page)
    expect(new Set(boxes.map(box => box.x)).size, JSON.stringify(boxes)).toBe(2)
    expect(new Set(boxes.map(box => box.width)).size, JSON.stringify(boxes)).toBe(1)
    expect(new Set(boxes.map(box => box.y)).size, JSON.stringify(boxes)).toBe(2)
    await screenshot(page, 'empty-state-suggestions-desktop')
  })
})
