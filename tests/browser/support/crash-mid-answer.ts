/** A server that dies mid-answer, for the browser tests of what the chat shows across a restart. */
import type { Page } from 'playwright-core'
import type { AppServer } from '../../support/app-server'
import { killProcess } from '../../support/server-process'
import type { DemoInBrowser } from './browser'
import { LONG_PROMPT, MID_ANSWER_CHARS, WARM_UP_MS } from './browser'
import { gotoChat, send, waitForAnswerChars } from './chat-page'

/**
 * A user asks for the long answer on `server`; mid-answer the server is SIGKILLed (a crash, or
 * `nuxt dev` restarting: no graceful shutdown). Returns the page, the job and the port to start
 * the server again on.
 */
export async function crashMidAnswer(demo: DemoInBrowser, server: AppServer): Promise<{ page: Page, jobId: string, port: number }> {
  const page = await (await demo.newContext()).newPage()
  // The server's first page: as slow as a file's warm-up on a loaded machine.
  await gotoChat(page, `${server.url}/`, WARM_UP_MS)
  const jobId = await send(page, LONG_PROMPT)
  await page.waitForURL(/\/threads\//)
  await waitForAnswerChars(page, jobId, MID_ANSWER_CHARS)
  await killProcess(server.process)
  return { page, jobId, port: Number(new URL(server.url).port) }
}
