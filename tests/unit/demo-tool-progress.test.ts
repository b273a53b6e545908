/**
 * The demo's tool row (ToolCallRow.vue) shows a running call's latest progress: the tool's
 * message, and a progress bar when it gave a fraction; nothing once the call has its outcome or
 * the Stop cut it off.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ToolCallState } from '../../shared/reducer'
import { allNodes, mountClient, textOf, withClientTemplate } from '../support/demo-client-render'
import ToolCallRowSsr from '../../demo/app/components/ToolCallRow.vue'

const ToolCallRow = withClientTemplate(ToolCallRowSsr, 'demo/app/components/ToolCallRow.vue')

beforeEach(() => {
  vi.stubGlobal('computed', vue.computed)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

const running: ToolCallState = { id: 'c1', name: 'crawl_site', args: {}, step: 1, status: 'running' }

function render(call: ToolCallState, stopped: string | null = null) {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ToolCallRow, { call, stopped }) }))
  const progress = allNodes(container).find(node => node.props.class === 'tool-progress-message')
  const bar = allNodes(container).find(node => node.tag === 'progress')
  unmount()
  return { progress: progress ? textOf(progress).trim() : null, bar: bar ? { value: bar.props.value, label: bar.props['aria-label'] } : null }
}

describe('demo tool row: progress', () => {
  it('shows the message and a bar for a fraction', () => {
    const shown = render({ ...running, progress: { message: 'Fetched 3 of 10 pages', fraction: 0.3, at: 1 } })
    expect(shown.progress).toBe('Fetched 3 of 10 pages')
    expect(shown.bar).toEqual({ value: 0.3, label: 'crawl_site: 30%' })
  })

  it('shows the message alone without a fraction', () => {
    expect(render({ ...running, progress: { message: 'Indexing', at: 1 } })).toEqual({ progress: 'Indexing', bar: null })
  })

  it('shows none once the call has its outcome, or the Stop cut it off', () => {
    expect(render({ ...running, status: 'completed', result: {}, progress: { message: 'stale', fraction: 1, at: 1 } })).toEqual({ progress: null, bar: null })
    expect(render({ ...running, progress: { message: 'Fetched 3 of 10 pages', fraction: 0.3, at: 1 } }, 'Stopped while it ran.')).toEqual({ progress: null, bar: null })
    expect(render(running)).toEqual({ progress: null, bar: null })
  })
})
