/**
 * A slow network for one request: the page's next `method` request to `url` (a Playwright route
 * glob) is held until the test calls `release` — then it goes on, or fails with a 503 (`fail`).
 * `reachServer`: the request reaches the server at once and only its reply is held (a slow way back).
 */
import type { Page, Route } from 'playwright-core'

/** The hold: `held` resolves once the request is caught. */
export interface HeldRequest {
  held: Promise<void>
  release: (fail?: boolean) => void
}

export async function holdRequest(page: Page, url: string, options: { method?: string, reachServer?: boolean } = {}): Promise<HeldRequest> {
  const { method = 'POST', reachServer = false } = options
  let release!: (fail?: boolean) => void
  let onHeld!: () => void
  const released = new Promise<boolean>(resolve => release = fail => resolve(Boolean(fail)))
  const held = new Promise<void>(resolve => onHeld = resolve)
  let holding = true
  await page.route(url, async (route: Route) => {
    if (route.request().method() !== method || !holding) return route.fallback()
    holding = false
    const reply = reachServer ? await route.fetch() : null
    onHeld()
    if (await released) return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, message: 'Service unavailable' }) })
    if (reply) return route.fulfill({ response: reply })
    await route.fallback()
  })
  return { held, release }
}

/** Holds every abort the page sends (`POST /api/jobs/:id/abort`) until `release()`, then sends each on. */
export async function holdAborts(page: Page): Promise<{ release: () => Promise<void> }> {
  let release: () => void = () => {}
  const released = new Promise<void>(resolve => release = resolve)
  let held: Promise<void> | null = null
  await page.route('**/api/jobs/*/abort', (route) => {
    const goes = released.then(() => route.continue())
    held ??= goes
    return goes
  })
  return {
    release: async () => {
      release()
      await held
      await page.unroute('**/api/jobs/*/abort')
    },
  }
}
