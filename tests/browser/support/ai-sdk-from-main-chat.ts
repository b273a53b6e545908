/**
 * Opening the demo's /ai-sdk page as a user does, from the main chat's link, checking on the way
 * that the main chat loads the AI SDK (the page's script) only once that link is pointed at
 * (tests/browser/ai-sdk.browser.test.ts).
 */
import type { Page, Request } from 'playwright-core'
import { expect } from 'vitest'
import type { DemoInBrowser } from './browser'
import { WAIT_MS } from './browser'
import { gotoChat } from './chat-page'

/** Names in the AI SDK's client code (its stock transport) and in zod's (its error class), which the demo's own code does not have. */
const AI_SDK_MARKER = 'DefaultChatTransport'
const ZOD_MARKER = '$ZodError'
const isScript = (url: string) => /\/_nuxt\/[^?]+\.js$/.test(url)

/**
 * The page reached as a user does, from the main chat's link. The main chat runs none of the AI
 * SDK and zod: no script a cold load of `/` fetched has them, also once Nuxt's prefetch of the links on
 * screen had its turn (once the app is ready, in an idle callback, when the observer sees the link:
 * two idle callbacks and two frames later). Before, that prefetch loaded the /ai-sdk page's script
 * (~200 KB: the AI SDK and its zod) into every load of the main chat. Pointing at the link loads
 * it, and the link opens the page.
 */
export async function openPageFromMainChat(demo: DemoInBrowser): Promise<Page> {
  const page = await (await demo.newContext()).newPage()
  const scripts: Request[] = []
  page.on('request', (request) => {
    if (isScript(request.url())) scripts.push(request)
  })
  await gotoChat(page, `${demo.url}/`)
  await page.evaluate(() => new Promise(resolve => requestIdleCallback(() => requestIdleCallback(() => requestAnimationFrame(() => requestAnimationFrame(resolve))))))
  const loaded = await Promise.all(scripts.map(async request => ({ url: request.url(), text: await (await request.response())!.text() })))
  expect(loaded.length).toBeGreaterThan(0)
  expect(loaded.filter(script => script.text.includes(AI_SDK_MARKER) || script.text.includes(ZOD_MARKER)).map(script => script.url)).toEqual([])
  const link = page.getByRole('link', { name: 'The same, with the AI SDK\'s useChat' })
  const aiSdkScript = page.waitForResponse(async response => isScript(response.url()) && (await response.text()).includes(AI_SDK_MARKER), { timeout: WAIT_MS })
  await link.hover()
  await aiSdkScript
  await link.click()
  await page.waitForURL(/\/ai-sdk\?(.*&)?chat=/)
  return page
}
