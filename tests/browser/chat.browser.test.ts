/**
 * The demo chat in a real browser (Debian's Chromium via playwright-core) against the built demo
 * with the scripted model: leave and come back, reload, approve a tool call, stop. Every wait is on
 * a DOM condition; answers are compared with the server's own state of the job, rendered by the same
 * Markdown renderer the page uses.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { JobState } from '../../shared/reducer'
import { renderMarkdown } from '../../demo/app/lib/markdown'
import { LONG_PROMPT, MID_ANSWER_CHARS, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'

const demo = useDemoInBrowser()

/** A new page in a fresh context, so each test is a new anonymous user. */
async function openChat(): Promise<Page> {
  const context = await demo.newContext()
  const page = await context.newPage()
  await page.goto(`${demo.url}/`)
  await page.waitForFunction(() => Boolean((window as { useNuxtApp?: unknown }).useNuxtApp) || document.querySelector('#__nuxt [data-v-app], #__nuxt > *'))
  return page
}

async function send(page: Page, text: string): Promise<string> {
  const before = await page.locator('.turn').count()
  await page.locator('#composer-input').fill(text)
  await page.locator('#composer-input').press('Enter')
  await page.locator('.turn').nth(before).waitFor()
  return (await page.locator('.turn').nth(before).getAttribute('data-job-id'))!
}

function turn(page: Page, jobId: string) {
  return page.locator(`.turn[data-job-id="${jobId}"]`)
}

async function waitForStatus(page: Page, jobId: string, status: string): Promise<void> {
  await page.waitForSelector(`.turn[data-job-id="${jobId}"][data-status="${status}"]`, { timeout: WAIT_MS })
}

async function waitForAnswerChars(page: Page, jobId: string, chars: number): Promise<void> {
  await page.waitForFunction(
    ([id, min]) => (document.querySelector(`.turn[data-job-id="${id}"] .answer`)?.textContent?.length ?? 0) >= (min as number),
    [jobId, chars] as const,
    { timeout: WAIT_MS },
  )
}

/** The answer's HTML as the page shows it (rendered Markdown). */
async function answerOnScreen(page: Page, jobId: string): Promise<string> {
  return await turn(page, jobId).locator('.answer').innerHTML()
}

/** The server's text rendered to HTML the way the page does, then serialized by this browser (as `innerHTML` is). */
async function renderedAnswer(page: Page, content: string): Promise<string> {
  return page.evaluate((html) => {
    const template = document.createElement('template')
    template.innerHTML = html
    return template.innerHTML
  }, renderMarkdown(content))
}

/** The job's state as the server has it (same-origin fetch, so with the user's cookie). */
async function serverState(page: Page, jobId: string): Promise<JobState> {
  return page.evaluate(async id => (await (await fetch(`/api/jobs/${id}`)).json()).state, jobId)
}

describe('demo chat in Chromium', () => {
  it('shows the whole answer, once, after leaving for another thread mid-answer', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    await page.waitForURL(/\/threads\//)
    const threadUrl = page.url()
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    expect(await turn(page, jobId).getAttribute('data-status')).toBe('running')
    await screenshot(page, 'leave-1-streaming')

    await page.getByRole('link', { name: '+ New thread' }).click()
    await page.waitForURL(`${demo.url}/`)
    const otherJobId = await send(page, 'A short question in another thread')
    await page.waitForURL(url => url.toString() !== threadUrl && /\/threads\//.test(url.toString()))
    await waitForStatus(page, otherJobId, 'completed')

    await page.locator(`a[href="${new URL(threadUrl).pathname}"]`).click()
    await page.waitForURL(threadUrl)
    await waitForStatus(page, jobId, 'completed')
    await screenshot(page, 'leave-2-back-completed')

    const state = await serverState(page, jobId)
    expect(state.status).toBe('completed')
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    expect(await page.locator('.turn').count()).toBe(1)
  })

  it('reattaches after a reload mid-answer and finishes', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    await page.waitForURL(/\/threads\//)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    expect(await turn(page, jobId).getAttribute('data-status')).toBe('running')

    const response = await page.reload()
    // Server-rendered: the partial answer is in the HTML itself.
    expect(await response!.text()).toContain(`data-job-id="${jobId}"`)
    await screenshot(page, 'reload-1-after-reload')
    await waitForStatus(page, jobId, 'completed')

    const state = await serverState(page, jobId)
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    await screenshot(page, 'reload-2-completed')
  })

  it('approves a tool call from the inline prompt and the job continues', async () => {
    const page = await openChat()
    const jobId = await send(page, 'Please delete notes.txt')
    const prompt = turn(page, jobId).locator('.input-prompt[data-kind="tool-approval"]')
    await prompt.waitFor({ timeout: WAIT_MS })
    await screenshot(page, 'approval-1-prompt')

    await prompt.getByRole('button', { name: 'Approve' }).click()
    await waitForStatus(page, jobId, 'completed')
    await expect(prompt.count()).resolves.toBe(0)
    const call = turn(page, jobId).locator('.tool-call').first()
    expect(await call.getAttribute('data-status')).toBe('completed')
    expect(await call.getAttribute('data-tool')).toContain('delete')
    const state = await serverState(page, jobId)
    expect(state.answeredInputs).toHaveLength(1)
    expect(JSON.stringify(state.answeredInputs[0]!.answer)).toMatch(/approve/)
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    await screenshot(page, 'approval-2-completed')
  })

  it('stops a job with the Stop button and keeps the partial text', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    await turn(page, jobId).getByRole('button', { name: 'Stop' }).click()
    await waitForStatus(page, jobId, 'aborted')
    await screenshot(page, 'stop-1-aborted')

    const state = await serverState(page, jobId)
    expect(state.status).toBe('aborted')
    expect(state.content.length).toBeGreaterThanOrEqual(MID_ANSWER_CHARS)
    expect(state.content).not.toContain('Paragraph 7')
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    expect(await turn(page, jobId).getByRole('button', { name: 'Stop' }).count()).toBe(0)
  })

  it('tells the user when a job in another thread finishes: a toast and a "new" badge', async () => {
    const page = await openChat()
    const jobId = await send(page, LONG_PROMPT)
    await page.waitForURL(/\/threads\//)
    const threadPath = new URL(page.url()).pathname
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    await page.getByRole('link', { name: '+ New thread' }).click()
    await page.waitForURL(`${demo.url}/`)
    const toast = page.locator('.toast', { hasText: 'finished' })
    await toast.waitFor({ timeout: WAIT_MS })
    expect(await toast.locator('a').getAttribute('href')).toBe(threadPath)
    await page.locator(`a[href="${threadPath}"] .badge-unseen`).waitFor({ timeout: WAIT_MS })
    await screenshot(page, 'notify-1-toast-and-badge')
    // Opening the thread clears the badge.
    await page.locator(`.thread-list a[href="${threadPath}"], nav a[href="${threadPath}"]`).first().click()
    await page.waitForURL(`${demo.url}${threadPath}`)
    await waitForStatus(page, jobId, 'completed')
    expect(await page.locator(`a[href="${threadPath}"] .badge-unseen`).count()).toBe(0)
  })

  it('shows a browser Notification when the tab is hidden and permission was given', async () => {
    const context = await demo.newContext()
    // A hidden tab with notifications allowed; the page's Notification records what it shows.
    await context.addInitScript(() => {
      const shown: Array<{ title: string, body?: string }> = []
      Object.assign(window, { __shown: shown, __hidden: false })
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => (window as unknown as { __hidden: boolean }).__hidden })
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => ((window as unknown as { __hidden: boolean }).__hidden ? 'hidden' : 'visible') })
      class RecordingNotification {
        static permission = 'granted'
        static requestPermission = async () => 'granted'
        onclick: (() => void) | null = null
        constructor(title: string, options?: { body?: string }) {
          shown.push({ title, body: options?.body })
        }

        close() {}
      }
      Object.assign(window, { Notification: RecordingNotification })
    })
    const page = await context.newPage()
    await page.goto(`${demo.url}/`)
    await page.waitForFunction(() => (window as unknown as { useNuxtApp?: () => { isHydrating?: boolean } }).useNuxtApp?.().isHydrating === false, null, { timeout: WAIT_MS })
    // Hidden before sending, so the end can never beat it.
    await page.evaluate(() => Object.assign(window, { __hidden: true }))
    await send(page, 'A short question while I look away')
    await page.waitForFunction(() => (window as unknown as { __shown: Array<{ title: string }> }).__shown.some(note => note.title.includes('finished')), null, { timeout: WAIT_MS })
    const shown = await page.evaluate(() => (window as unknown as { __shown: Array<{ title: string, body?: string }> }).__shown)
    expect(shown.filter(note => note.title.includes('finished'))).toEqual([expect.objectContaining({ body: 'The answer is ready.' })])
  })
})
