/**
 * A thread with more turns than one read holds (here 2 a page, NUXT_PUBLIC_THREAD_PAGE_SIZE; 100
 * by default), opened on a device that does not remember them: the newest page shows, with "Show
 * earlier messages" above it. The button (by keyboard) puts the page before it above, keeping the
 * text being read where it was; a failed read says so with a retry; once nothing older is left the
 * button gives way to "Start of the conversation", which takes the focus. Turns this browser
 * remembers from before the newest page are not taken for lost ones.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat } from './support/chat-page'

const demo = useDemoInBrowser({ NUXT_PUBLIC_THREAD_PAGE_SIZE: '2' })

/** Starts `count` chat turns in `threadId` from the page (its user), each after the previous one ended. */
async function startTurns(page: Page, threadId: string, count: number): Promise<string[]> {
  return await page.evaluate(async ({ threadId, count }) => {
    const ids: string[] = []
    for (let index = 1; index <= count; index++) {
      const response = await fetch('/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: `Turn ${index}: say something` }], threadId, tools: [] }),
      })
      const job = await response.json() as { id: string, streamUrl: string }
      // A finished job's stream closes after its end: read to the end, then start the next.
      await (await fetch(job.streamUrl)).text()
      ids.push(job.id)
    }
    return ids
  }, { threadId, count })
}

const shownTurns = (page: Page) => page.locator('.turn').evaluateAll(turns => turns.map(turn => turn.getAttribute('data-job-id')))

describe('demo chat: a thread longer than one page', () => {
  it('shows earlier messages on request, a page at a time, without moving what is on screen', async () => {
    const page = await openChat(demo, { viewport: { width: 900, height: 460 } })
    const threadId = `long-${Date.now().toString(36)}`
    const ids = await startTurns(page, threadId, 5)
    await gotoChat(page, `${demo.url}/threads/${threadId}`)

    await page.locator('.turn').nth(1).waitFor({ timeout: WAIT_MS })
    expect(await shownTurns(page)).toEqual(ids.slice(3))
    const button = page.getByRole('button', { name: 'Show earlier messages' })
    await button.waitFor({ timeout: WAIT_MS })
    // The conversation overflows (so there is a scroll position to keep).
    const conversation = page.locator('.conversation')
    expect(await conversation.evaluate(element => element.scrollHeight > element.clientHeight)).toBe(true)

    // By keyboard: focus the button (which scrolls up to it), Enter. The oldest turn shown, just
    // below the button, is what the user reads there: it must not move.
    await button.focus()
    await screenshot(page, 'thread-pages-button')
    const reading = page.locator(`.turn[data-job-id="${ids[3]}"]`)
    const topBefore = (await reading.boundingBox())!.y
    await page.keyboard.press('Enter')
    await page.locator('.turn').nth(3).waitFor({ timeout: WAIT_MS })
    expect(await shownTurns(page)).toEqual(ids.slice(1))
    expect(Math.abs((await reading.boundingBox())!.y - topBefore)).toBeLessThanOrEqual(1)
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Show earlier messages')
    await page.locator('.thread-announcer').getByText('Loaded 2 earlier messages.').waitFor({ timeout: WAIT_MS })

    // A failed read: said in words, with a retry that works once the server answers again.
    await page.route('**/api/jobs?*before=*', route => route.abort('connectionreset'))
    // (Reading on upwards brings the button back into view.)
    await button.scrollIntoViewIfNeeded()
    await page.keyboard.press('Enter')
    const error = page.locator('.earlier-error')
    await error.waitFor({ timeout: WAIT_MS })
    expect(await error.textContent()).toContain('the earlier messages weren’t loaded')
    expect(await shownTurns(page)).toEqual(ids.slice(1))
    await error.scrollIntoViewIfNeeded()
    await screenshot(page, 'thread-pages-failed')
    await page.unroute('**/api/jobs?*before=*')
    await error.getByRole('button', { name: 'Retry' }).click()

    // The last page: every turn once, oldest first; the button gives way to the start, which has the focus.
    await page.locator('.thread-start').waitFor({ timeout: WAIT_MS })
    expect(await shownTurns(page)).toEqual(ids)
    expect(await page.locator('.earlier-button').count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('thread-start')
    await conversation.evaluate((element) => {
      element.scrollTop = -element.scrollHeight
    })
    await screenshot(page, 'thread-pages-start')

    // This browser now remembers every turn: opened again, the ones before the newest page are not
    // shown as lost (they are on the server, a page further back), and the button is back.
    await gotoChat(page, `${demo.url}/threads/${threadId}`)
    await page.locator('.earlier-button').waitFor({ timeout: WAIT_MS })
    expect(await shownTurns(page)).toEqual(ids.slice(3))
    expect(await page.locator('.turn[data-status="lost"]').count()).toBe(0)
  })
})
