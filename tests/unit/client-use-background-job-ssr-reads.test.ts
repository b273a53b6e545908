/**
 * Two components showing the same job in one server render (a list row and a detail panel, the
 * case the follower registry exists for in the browser) read it once: `GET /api/jobs/:id` per job
 * per page, not per component.
 */
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
const requests: string[] = []

beforeEach(() => {
  vi.useFakeTimers()
  requests.length = 0
  app = createComposableApp(async (url) => {
    requests.push(url)
    await Promise.resolve()
    return { state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 4, content: 'rendered' } }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

const Row = defineComponent({
  setup() {
    const job = useBackgroundJob('j1')
    return () => h('p', job.text.value)
  },
})

function page() {
  return createSSRApp(defineComponent({ setup: () => () => h('main', [h(Row), h(Row)]) }))
}

describe('useBackgroundJob: one read per job per server render', () => {
  it('two sibling components of one job render its snapshot from one GET', async () => {
    expect(await renderToString(page())).toBe('<main><p>rendered</p><p>rendered</p></main>')
    expect(requests).toEqual(['/api/jobs/j1'])
  })

  it('a read that failed is shared too: both components show the job lost, from one GET', async () => {
    app.dispose()
    requests.length = 0
    app = createComposableApp(async (url) => {
      requests.push(url)
      await Promise.resolve()
      throw Object.assign(new Error('404'), { statusCode: 404 })
    })
    const Lost = defineComponent({
      setup() {
        const job = useBackgroundJob('j1')
        return () => h('p', String(job.lost.value))
      },
    })
    expect(await renderToString(createSSRApp(defineComponent({ setup: () => () => h('main', [h(Lost), h(Lost)]) })))).toBe('<main><p>true</p><p>true</p></main>')
    expect(requests).toEqual(['/api/jobs/j1'])
  })
})
