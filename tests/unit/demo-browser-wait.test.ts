/**
 * The demo's main chat while a job waits for a client tool's output (decision 44: a
 * `runtime: 'client'` call, `running` in the job's state, with a `tool-output` request). The call's
 * row said "running" above "Waiting for the browser", and the composer held the next message with
 * "Answer the job's question, or stop it, first." (the status line: "A job is waiting for your
 * answer."), though no question is the user's and this page cannot run the tool. The row now says
 * "waiting for the browser"; the hold and the line say the job waits for a browser tool's output.
 * A job that also asks the user something still reads as a question.
 */
import * as vue from 'vue'
import { describe, expect, it } from 'vitest'
import type { ToolCallState } from '../../shared/reducer'
import type { TurnReport } from '../../demo/app/lib/turn-report'
import { keptIfSame, threadHold, threadStatusLine } from '../../demo/app/lib/turn-report'
import { holdText } from '../../demo/app/lib/wording'
import { allNodes, mountClient, textOf, useClientRendering, withClientTemplate } from '../support/demo-client-render'
import ToolCallRowSsr from '../../demo/app/components/ToolCallRow.vue'

const ToolCallRow = withClientTemplate(ToolCallRowSsr, 'demo/app/components/ToolCallRow.vue')

useClientRendering()

/** The row's status chip: its words and its `data-status`. */
function chip(call: ToolCallState, waitingForBrowser?: boolean) {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ToolCallRow, { call, waitingForBrowser }) }), { ToolProgress: vue.defineComponent({ setup: () => () => null }) })
  const node = allNodes(container).find(each => each.props.class === 'status-chip')
  unmount()
  return { text: node ? textOf(node).trim() : null, status: node?.props['data-status'] }
}

const call: ToolCallState = { id: 'call_loc', name: 'get_location', args: {}, step: 1, status: 'running' }
const report = (patch: Partial<TurnReport>): TurnReport => ({ answer: '', status: 'waiting', active: true, waiting: true, loading: false, connection: 'open', ...patch })

describe('demo: a job waiting for the browser\'s output', () => {
  it('the call\'s row says waiting for the browser, not running; other calls as before', () => {
    // Before: 'running'.
    expect(chip(call, true)).toEqual({ text: 'waiting for the browser', status: 'waiting-browser' })
    expect(chip(call)).toEqual({ text: 'running', status: 'running' })
    expect(chip({ ...call, status: 'timeout', error: 'no output in time' }, true)).toEqual({ text: 'timed out', status: 'timeout' })
  })

  it('the composer\'s hold and the status line say what it waits for, not "Answer the job\'s question"', () => {
    const hold = threadHold([['a', report({ waitingForBrowser: true })]])
    expect(hold).toEqual({ kind: 'waiting', jobId: 'a', browser: true })
    // Before: 'Answer the job’s question, or stop it, first.'
    expect(holdText(hold!)).toBe('The job waits for a browser tool’s output; stop it to go on without it.')
    expect(threadStatusLine([['a', report({ waitingForBrowser: true })]])).toEqual({ kind: 'waiting', jobId: 'a', browser: true })
    // A question for the user (alone, or beside a browser tool's output): as before.
    const asking = threadHold([['a', report({ waitingForBrowser: false })]])
    expect(asking).toEqual({ kind: 'waiting', jobId: 'a' })
    expect(holdText(asking!)).toBe('Answer the job’s question, or stop it, first.')
    // The same job going from one wait to the other: the new hold, not the one kept.
    expect(keptIfSame(hold, asking)).toBe(asking)
    expect(keptIfSame(hold, threadHold([['a', report({ waitingForBrowser: true })]]))).toBe(hold)
  })
})
