/**
 * Marks a tab (`<html data-test-notifications="open">`, nothing the app reads) once it hears the
 * user's notifications: the tabs share one stream, so a tab listens on the channel of the tab that
 * follows it, or opens its own EventSource. A test waits for the mark before acting in another tab.
 */
import type { Page } from 'playwright-core'

/** Marks `page` once it hears notifications; call before it loads the demo. */
export async function markNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const mark = () => document.documentElement.setAttribute('data-test-notifications', 'open')
    const NativeChannel = window.BroadcastChannel
    window.BroadcastChannel = class extends NativeChannel {
      constructor(name: string) {
        super(name)
        if (name === 'background-jobs:notifications') mark()
      }
    }
    const Native = window.EventSource
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init)
        if (String(url).includes('/api/jobs/notifications')) this.addEventListener('open', mark)
      }
    }
  })
}
