/**
 * A tool call the user denied showed a duration beside "denied" ("0 ms", or the time the approval
 * waited) right above "You denied this call; it did not run." — a run time for a call that never
 * ran. The main chat's row (ToolCallRow.vue) now shows a duration only for a call that ran.
 */
import * as vue from 'vue'
import { describe, expect, it } from 'vitest'
import type { ToolCallState } from '../../shared/reducer'
import { allNodes, mountClient, textOf, useClientRendering, withClientTemplate } from '../support/demo-client-render'
import ToolCallRowSsr from '../../demo/app/components/ToolCallRow.vue'

const ToolCallRow = withClientTemplate(ToolCallRowSsr, 'demo/app/components/ToolCallRow.vue')

useClientRendering()

/** The row's duration as shown, or null. */
function duration(call: ToolCallState): string | null {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ToolCallRow, { call }) }), { ToolProgress: vue.defineComponent({ setup: () => () => null }) })
  const node = allNodes(container).find(each => each.props.class === 'tool-duration')
  unmount()
  return node ? textOf(node).trim() : null
}

const call: ToolCallState = { id: 'c1', name: 'deploy_site', args: {}, step: 1, status: 'completed', durationMs: 2_000 }

describe('demo tool row: duration', () => {
  it('shows none for a denied call (it did not run)', () => {
    expect(duration({ ...call, status: 'denied', durationMs: 0, error: 'The user denied the call' })).toBeNull()
  })

  it('shows it for a call that ran, and one that failed', () => {
    expect(duration(call)).toBe('2.0 s')
    expect(duration({ ...call, status: 'error', durationMs: 12, error: 'boom' })).toBe('12 ms')
  })
})
