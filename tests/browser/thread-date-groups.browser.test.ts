/**
 * The demo's thread list under date headings (Chromium), as ChatGPT's and Claude's: "Today",
 * "Yesterday", "Previous 7 days", "Previous 30 days", then months — by each thread's newest
 * message, in the browser's time zone. The page's clock is fixed and the threads are ones this
 * browser remembers with chosen times (the server stamps real jobs with its own clock). The
 * headings are real headings, and each group's list is labelled by its own, for a screen reader.
 * The server's first render already has them once the browser has told it its time zone (a
 * cookie the page writes): the list used to grow its headings after load, a visible shift.
 */
import { describe, expect, it } from 'vitest'
import { screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, send, waitForStatus } from './support/chat-page'
import { rememberThreads } from './support/remembered-threads'

const demo = useDemoInBrowser()

/** Now, for the page: 15 March 2026, noon (local time). */
const NOW = new Date(2026, 2, 15, 12)
const HOUR_MS = 60 * 60 * 1_000
const DAY_MS = 24 * HOUR_MS
const THREADS = [
  { threadId: 'g-today', title: 'This morning', createdAt: NOW.getTime() - 2 * HOUR_MS },
  { threadId: 'g-yesterday', title: 'Last night', createdAt: NOW.getTime() - DAY_MS },
  { threadId: 'g-week', title: 'Three days back', createdAt: NOW.getTime() - 3 * DAY_MS },
  { threadId: 'g-month', title: 'Twenty days back', createdAt: NOW.getTime() - 20 * DAY_MS },
  { threadId: 'g-january', title: 'In January', createdAt: new Date(2026, 0, 10, 12).getTime() },
  { threadId: 'g-older', title: 'Back in 2025', createdAt: new Date(2025, 10, 5, 12).getTime() },
]

describe('demo chat: the thread list under date headings', () => {
  it('puts each thread under its heading, newest first, each list labelled by its heading', async () => {
    const context = await demo.newContext()
    await context.clock.setFixedTime(NOW)
    await rememberThreads(context, THREADS)
    const page = await context.newPage()
    await gotoChat(page, demo.url)
    const list = page.getByRole('navigation', { name: 'Threads' })
    await list.getByRole('heading', { name: 'Today' }).waitFor({ timeout: WAIT_MS })

    expect(await list.getByRole('heading', { level: 2 }).allTextContents())
      .toEqual(['Today', 'Yesterday', 'Previous 7 days', 'Previous 30 days', 'January', 'November 2025'])
    // The threads keep the list's order (newest first), whatever the headings.
    expect(await page.locator('.thread-link').evaluateAll(links => links.map(link => link.getAttribute('data-thread-id'))))
      .toEqual(THREADS.map(thread => thread.threadId))
    // Each heading names its list: a screen reader says "Yesterday, list, 1 item".
    const underHeading = async (name: string) => list.getByRole('list', { name, exact: true }).getByRole('link').allTextContents()
    expect((await underHeading('Today')).map(text => text.trim())[0]).toContain('This morning')
    expect((await underHeading('Yesterday'))[0]).toContain('Last night')
    expect((await underHeading('Previous 7 days'))[0]).toContain('Three days back')
    expect((await underHeading('Previous 30 days'))[0]).toContain('Twenty days back')
    expect((await underHeading('January'))[0]).toContain('In January')
    expect((await underHeading('November 2025'))[0]).toContain('Back in 2025')
    await screenshot(page, 'thread-date-groups')
  })
})

/** The time zone the browser reports (not the machine's UTC: the server must group by the browser's). */
const ZONE = 'America/New_York'
/** What Vue logs when the server's HTML and the client's first render differ. */
const MISMATCH = /hydration/i

describe('demo chat: the date headings in the server\'s first render', () => {
  it('renders the headings in the HTML once the browser told its zone, and hydrates them without a mismatch', async () => {
    const context = await demo.newContext({ timeZone: ZONE })
    const page = await context.newPage()
    await gotoChat(page, demo.url)
    // The first visit tells the server the browser's zone.
    expect((await context.cookies(demo.url)).find(cookie => cookie.name === 'demo_time_zone')?.value).toBe(encodeURIComponent(ZONE))
    const jobId = await send(page, 'Hello there')
    await waitForStatus(page, jobId, 'completed')

    // The HTML as the server sends it (the context's cookies: this user, this zone), before any script runs.
    const html = await (await context.request.get(`${demo.url}/`)).text()
    expect(html).toMatch(/<h2 id="thread-group-today" class="thread-group-title">Today<\/h2>/)
    expect(html).toMatch(/<span class="thread-time">[^<]+<\/span>/)

    const logged: string[] = []
    const fresh = await context.newPage()
    fresh.on('console', message => logged.push(`${message.type()}: ${message.text()}`))
    await gotoChat(fresh, demo.url)
    expect(logged.filter(line => MISMATCH.test(line))).toEqual([])
    const list = fresh.getByRole('navigation', { name: 'Threads' })
    expect(await list.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Today'])
    expect(await list.getByRole('list', { name: 'Today', exact: true }).getByRole('link').first().textContent()).toContain('Hello there')
  })
})
