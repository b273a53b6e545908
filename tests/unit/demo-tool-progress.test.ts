/**
 * The demo's tool rows show a running call's latest progress (ToolProgress.vue): the tool's
 * message, and a progress bar when it gave a fraction; nothing once the call has its outcome or
 * the Stop cut it off. The main chat's row (ToolCallRow.vue) reads it from the job's state, the
 * /ai-sdk page's (AiSdkToolPart.vue) from the message's `data-tool-progress` part for the call.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import type { ToolUIPart, UIMessage } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import type { ToolCallState } from '../../shared/reducer'
import { messageToolProgress } from '../../demo/app/lib/tool-progress'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, textOf, useClientRendering, withClientTemplate } from '../support/demo-client-render'
import ToolCallRowSsr from '../../demo/app/components/ToolCallRow.vue'
import AiSdkToolPartSsr from '../../demo/app/components/AiSdkToolPart.vue'
import ToolProgressSsr from '../../demo/app/components/ToolProgress.vue'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const ToolCallRow = withClientTemplate(ToolCallRowSsr, 'demo/app/components/ToolCallRow.vue')
const AiSdkToolPart = withClientTemplate(AiSdkToolPartSsr, 'demo/app/components/AiSdkToolPart.vue')
const ToolProgress = withClientTemplate(ToolProgressSsr, 'demo/app/components/ToolProgress.vue')

useClientRendering()

/** What the row shows of the progress: the message and the bar. */
function shown(container: FakeNode) {
  const message = allNodes(container).find(node => node.props.class === 'tool-progress-message')
  const bar = allNodes(container).find(node => node.tag === 'progress')
  return { progress: message ? textOf(message).trim() : null, bar: bar ? { value: bar.props.value, label: bar.props['aria-label'] } : null }
}

function render(component: Component, props: Record<string, unknown>) {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(component, props) }), { ToolProgress })
  const seen = shown(container)
  unmount()
  return seen
}

/** The status chip's wording of an /ai-sdk tool part. */
function chip(part: ToolUIPart, props: Record<string, unknown> = {}): string {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(AiSdkToolPart, { part, ...props }) }), { ToolProgress })
  const node = allNodes(container).find(each => each.props.class === 'status-chip')
  unmount()
  return node ? textOf(node).trim() : ''
}

const running: ToolCallState = { id: 'c1', name: 'crawl_site', args: {}, step: 1, status: 'running' }
const row = (call: ToolCallState, stopped: string | null = null) => render(ToolCallRow, { call, stopped })

describe('demo tool row: progress', () => {
  it('shows the message and a bar for a fraction', () => {
    expect(row({ ...running, progress: { message: 'Fetched 3 of 10 pages', fraction: 0.3, at: 1 } })).toEqual({ progress: 'Fetched 3 of 10 pages', bar: { value: 0.3, label: 'crawl_site: 30%' } })
  })

  it('shows the message alone without a fraction', () => {
    expect(row({ ...running, progress: { message: 'Indexing', at: 1 } })).toEqual({ progress: 'Indexing', bar: null })
  })

  it('shows none once the call has its outcome, or the Stop cut it off', () => {
    expect(row({ ...running, status: 'completed', result: {}, progress: { message: 'stale', fraction: 1, at: 1 } })).toEqual({ progress: null, bar: null })
    expect(row({ ...running, progress: { message: 'Fetched 3 of 10 pages', fraction: 0.3, at: 1 } }, 'Stopped while it ran.')).toEqual({ progress: null, bar: null })
    expect(row(running)).toEqual({ progress: null, bar: null })
  })
})

describe('/ai-sdk tool part: progress', () => {
  const message = {
    id: 'job-1',
    role: 'assistant',
    parts: [
      { type: 'tool-crawl_site', toolCallId: 'c1', state: 'input-available', input: {} },
      { type: 'data-tool-progress', id: 'c1', data: { toolCallId: 'c1', message: 'Fetched 4 of 10 pages', fraction: 0.4 } },
    ],
  } as UIMessage
  const part = message.parts[0] as ToolUIPart

  it('finds the call\'s data part in the message', () => {
    expect(messageToolProgress(message, 'c1')).toEqual({ message: 'Fetched 4 of 10 pages', fraction: 0.4 })
    expect(messageToolProgress(message, 'c2')).toBeNull()
  })

  it('shows it while the call runs, not once it has its output', () => {
    const progress = messageToolProgress(message, 'c1')
    expect(render(AiSdkToolPart, { part, progress })).toEqual({ progress: 'Fetched 4 of 10 pages', bar: { value: 0.4, label: 'crawl_site: 40%' } })
    expect(render(AiSdkToolPart, { part: { ...part, state: 'output-available', output: {} }, progress })).toEqual({ progress: null, bar: null })
  })

  it('shows it while an approved call runs (the SDK keeps the part `approval-responded` until its output)', () => {
    const progress = messageToolProgress(message, 'c1')
    const approved = { ...part, state: 'approval-responded', approval: { id: 'a1', approved: true } } as ToolUIPart
    expect(render(AiSdkToolPart, { part: approved, progress })).toEqual({ progress: 'Fetched 4 of 10 pages', bar: { value: 0.4, label: 'crawl_site: 40%' } })
    expect(chip(approved)).toBe('running')
    const denied = { ...approved, approval: { id: 'a1', approved: false } } as ToolUIPart
    expect(render(AiSdkToolPart, { part: denied, progress })).toEqual({ progress: null, bar: null })
    expect(chip(denied)).toBe('denied')
    // The Stop of the answer: no outcome will come on this page.
    expect(render(AiSdkToolPart, { part: approved, progress, answerStopped: true })).toEqual({ progress: null, bar: null })
    // No response writes to the message: the approval is not sent yet (another one still waits).
    expect(render(AiSdkToolPart, { part: approved, progress, cutOff: true })).toEqual({ progress: null, bar: null })
    expect(chip(approved, { cutOff: true })).toBe('approved')
  })
})
