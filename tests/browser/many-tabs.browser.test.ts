/**
 * Many tabs of the chat in one browser. The test server speaks HTTP/1.1, like `nuxt dev` and a Node
 * server without HTTP/2 in front, so Chromium opens at most 6 connections to it and every open
 * EventSource holds one. The tabs share one notification stream (a Web Lock elects the tab that
 * follows it; notification-stream-tabs.ts): an eighth tab still loads and chats, and what happens
 * in one tab reaches the others' thread lists.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, send, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()
const TABS = 8

/** Counts the page's open EventSources by URL path (installed before the app's scripts run). */
function countEventSources(): void {
  const live = new Set<EventSource>()
  const Original = window.EventSource
  window.EventSource = class extends Original {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init)
      live.add(this)
    }

    override close(): void {
      live.delete(this)
      super.close()
    }
  }
  ;(window as unknown as { openStreams: () => string[] }).openStreams = () => [...live].filter(source => source.readyState !== 2).map(source => new URL(source.url).pathname)
}
const openStreams = (page: Page) => page.evaluate(() => (window as unknown as { openStreams: () => string[] }).openStreams())

describe('demo chat: many tabs', () => {
  it('eight tabs load and chat, with one notification stream among them', async () => {
    const context = await demo.newContext()
    await context.addInitScript(countEventSources)
    const pages: Page[] = []
    for (let index = 0; index < TABS; index++) {
      const page = await context.newPage()
      await gotoChat(page, `${demo.url}/`)
      pages.push(page)
    }
    const notificationStreams = async () => (await Promise.all(pages.map(openStreams))).flat().filter(path => path === '/api/jobs/notifications').length
    expect(await notificationStreams()).toBe(1)

    // The last tab starts a chat and gets its whole answer; another tab's thread list shows it.
    const last = pages.at(-1)!
    const jobId = await send(last, 'Hello from the last tab')
    await waitForStatus(last, jobId, 'completed')
    await pages[0]!.locator('.thread-link').first().waitFor({ timeout: WAIT_MS })
    expect(await pages[0]!.locator('.thread-link').first().textContent()).toContain('Hello from the last tab')

    // The tab that follows the stream closes: another takes over, and notifications still arrive.
    const following = (await Promise.all(pages.map(async page => (await openStreams(page)).includes('/api/jobs/notifications')))).indexOf(true)
    await pages[following]!.close()
    pages.splice(following, 1)
    const next = await send(pages[0]!, 'And from another tab')
    await waitForStatus(pages[0]!, next, 'completed')
    const watcher = pages.at(-1)!
    await watcher.waitForFunction(() => [...document.querySelectorAll('.thread-link')].some(link => link.textContent?.includes('And from another tab')), null, { timeout: WAIT_MS })
    expect(await notificationStreams()).toBe(1)
  })
})
