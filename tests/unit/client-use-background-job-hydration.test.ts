/**
 * `connect()` called in `setup` (docs/client.md: "safe anywhere, `setup` included") in a page the
 * server rendered: on the server it does nothing, so the HTML says what the state said there —
 * `connection` `closed`. The browser's first render hydrates that HTML and must render the same:
 * the stream opens on mount, as it does without the call.
 */
import { defineComponent, h } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({ state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 4, content: 'rendered' } }))
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

/** A page that follows the job with `connect()` in setup and shows how its stream stands. */
function jobPage(renders: string[]) {
  return defineComponent({
    setup() {
      const job = useBackgroundJob('j1')
      job.connect()
      return () => {
        renders.push(`${job.connection.value}: ${job.text.value}`)
        return h('p')
      }
    },
  })
}

describe('useBackgroundJob: connect() in setup, then hydration', () => {
  it('the render that hydrates the server\'s HTML shows the server\'s `closed`; the stream opens on mount, once', async () => {
    // The server's render: the snapshot read, no stream (connect() does nothing there).
    await app.renderOnServer(() => useBackgroundJob('j1', { live: false }))
    const renders: string[] = []
    app.mountRoot(jobPage(renders))
    expect(renders[0]).toBe('closed: rendered')
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/j1/stream?after=4'])
  })

  it('with `live: false` too, and connect/disconnect/connect in setup leaves one stream, closed with the component', async () => {
    await app.renderOnServer(() => useBackgroundJob('j1', { live: false }))
    const renders: string[] = []
    const page = app.mountRoot(defineComponent({
      setup() {
        const job = useBackgroundJob('j1', { live: false })
        job.connect()
        job.disconnect()
        job.connect()
        return () => {
          renders.push(job.connection.value)
          return h('p')
        }
      },
    }))
    expect(renders[0]).toBe('closed')
    expect(app.openSources()).toHaveLength(1)
    page.unmount()
    expect(app.openSources()).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
  })
})
