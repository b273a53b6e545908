/**
 * The chat's streams on bad networks, in Chromium, through a proxy that can kill the job stream's
 * connection silently (a laptop that slept) or reset it. The page's clock is Playwright's
 * (`page.clock`: it runs in real time and can be moved on), so a minute of backoff or quiet
 * passes without waiting for it. A wrapper around `EventSource` counts the streams the page opens.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { STALE_STREAM_MS } from '../../app/lib/job-stream'
import type { JobState } from '../../shared/reducer'
import { LONG_PROMPT, MID_ANSWER_CHARS, useDemoInBrowser, WAIT_MS } from './support/browser'
import { answerOnScreen, gotoChat, renderedAnswer, send, serverState, turn, waitForAnswerChars, waitForStatus } from './support/chat-page'
import type { NetworkFaultProxy } from '../support/network-fault-proxy'
import { waitForJobStatus } from '../support/progress-wait'
import { startNetworkFaultProxy } from '../support/network-fault-proxy'

const demo = useDemoInBrowser()
let proxy: NetworkFaultProxy | undefined

afterEach(async () => {
  await proxy?.close()
  proxy = undefined
})

/** Runs in the page before its scripts: records every EventSource it opens. */
function recordEventSources() {
  const Native = window.EventSource
  const opened: EventSource[] = []
  Object.assign(window, { __eventSources: opened })
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init)
      opened.push(this)
    }
  }
}

/** The job streams the page opened for `jobId`: how many in all, how many not closed. */
function jobStreams(page: Page, jobId: string): Promise<{ opened: number, live: number }> {
  return page.evaluate((id) => {
    const streams = (window as unknown as { __eventSources: EventSource[] }).__eventSources.filter(source => source.url.includes(`/api/jobs/${id}/stream`))
    return { opened: streams.length, live: streams.filter(source => source.readyState !== EventSource.CLOSED).length }
  }, jobId)
}

/** A new user on the chat, through a fresh proxy, with the page's clock under the test's control. */
async function openChatBehindProxy(): Promise<Page> {
  proxy = await startNetworkFaultProxy(demo.url)
  const context = await demo.newContext()
  await context.addInitScript(recordEventSources)
  const page = await context.newPage()
  await page.clock.install()
  await gotoChat(page, `${proxy.url}/`)
  return page
}

/**
 * Stops the page's clock where it stands (from here only the test moves it on). `pauseAt` takes a
 * time that must still be ahead when the page gets it, while the page's clock runs on: a margin of
 * a second was not always enough on a loaded machine ("Cannot fast-forward to the past"), so a time
 * already passed is asked again, from the page's clock of then.
 */
async function pauseClock(page: Page): Promise<void> {
  for (;;) {
    const now = await page.evaluate(() => Date.now())
    try {
      await page.clock.pauseAt(now + 1_000)
      return
    }
    catch (error) {
      if (!String(error).includes('fast-forward to the past')) throw error
    }
  }
}

/**
 * Waits until the server has the job in `status`, for as long as the job streams (asked from here
 * with the page's cookies, so as its user, whatever the page's network).
 */
async function waitForServerStatus(page: Page, jobId: string, status: JobState['status']): Promise<void> {
  const cookie = (await page.context().cookies()).map(({ name, value }) => `${name}=${value}`).join('; ')
  const read = async () => ((await (await fetch(`${demo.url}/api/jobs/${jobId}`, { headers: { cookie } })).json()) as { state: JobState }).state
  await waitForJobStatus(read, status, WAIT_MS)
}

describe('demo chat on a bad network', () => {
  it('notices a stream that died without an error (a laptop that slept) and ends with the server\'s answer, once', async () => {
    const page = await openChatBehindProxy()
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    proxy!.silenceStreams()
    // The job ends on the server; the tab hears nothing, not even that its stream is gone.
    await waitForServerStatus(page, jobId, 'completed')
    expect(await turn(page, jobId).getAttribute('data-status')).toBe('running')

    await page.clock.fastForward(STALE_STREAM_MS)
    await waitForStatus(page, jobId, 'completed')
    const state = await serverState(page, jobId)
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    expect(await jobStreams(page, jobId)).toEqual({ opened: 1, live: 0 })
  })

  it('stops asking and says so when the server refuses (signed out) after the stream broke', async () => {
    const page = await openChatBehindProxy()
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    // Signed out meanwhile: every request is a 401 from now on.
    const asked: string[] = []
    await page.route('**/api/jobs/**', (route) => {
      asked.push(new URL(route.request().url()).pathname)
      return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ statusCode: 401, message: 'Sign in first.' }) })
    })
    proxy!.cutStreams()
    await page.locator('.composer-status[data-kind="denied"]').waitFor({ timeout: WAIT_MS })
    expect(await turn(page, jobId).locator('.status-chip').textContent()).toBe('signed out')
    expect(await page.locator('.composer-stop').count()).toBe(0)
    const askedAboutJob = () => asked.filter(path => path.startsWith(`/api/jobs/${jobId}`)).length
    const before = askedAboutJob()
    expect(before).toBe(1)
    // A minute later, nothing more was asked about the job, and the text on screen is not called finished.
    await page.clock.fastForward(60_000)
    expect(askedAboutJob()).toBe(before)
    expect(await turn(page, jobId).getAttribute('data-status')).toBe('running')
    expect(await jobStreams(page, jobId)).toEqual({ opened: 1, live: 0 })
  })

  it('asks again as soon as the browser is back online instead of waiting out its backoff', async () => {
    const page = await openChatBehindProxy()
    const jobId = await send(page, LONG_PROMPT)
    await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
    await pauseClock(page)
    // The network goes (the proxy, not the browser's offline emulation: coming back, its `online`
    // event could reach the page before its requests passed again, and the page's one try then
    // failed, its next one seconds away on a clock that stands still).
    proxy!.dropNetwork()
    await page.locator('.composer-status[data-kind="offline"], .composer-status[data-kind="reconnecting"]').waitFor({ timeout: WAIT_MS })
    // Long enough offline that the follower's next try is seconds away (time stands still from here).
    await page.clock.fastForward(30_000)
    await page.locator(`.turn[data-job-id="${jobId}"][data-connection="offline"]`).waitFor({ timeout: WAIT_MS })
    await waitForServerStatus(page, jobId, 'completed')
    proxy!.restoreNetwork()
    await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await waitForStatus(page, jobId, 'completed')
    const state = await serverState(page, jobId)
    expect(await answerOnScreen(page, jobId)).toBe(await renderedAnswer(page, state.content))
    expect((await jobStreams(page, jobId)).live).toBe(0)
  })
})
