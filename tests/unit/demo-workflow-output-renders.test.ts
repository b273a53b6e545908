/**
 * A workflow's steps (WorkflowProgress.vue) while one of its agents streams a draft: JobTurn.vue
 * builds the steps again from every new state (each streamed piece), and the list rendered every
 * finished step's output as Markdown again each time (`renderMarkdown` in its template), so a
 * workflow with many finished steps parsed all their outputs on every piece of the draft. A step
 * whose output has not changed must not be rendered again.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { WorkflowVisit } from '../../demo/app/lib/workflow-view'
import { allNodes, mountClient, withClientTemplate } from '../support/demo-client-render'
import WorkflowProgressSsr from '../../demo/app/components/WorkflowProgress.vue'
import WorkflowOutputSsr from '../../demo/app/components/WorkflowOutput.vue'
import MarkdownHtmlSsr from '../../demo/app/components/MarkdownHtml.vue'

/** The texts given to the Markdown renderer. */
const rendered: string[] = []
vi.mock('../../demo/app/lib/markdown', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../demo/app/lib/markdown')>()
  return {
    ...original,
    renderMarkdown: (text: string, options?: Parameters<typeof original.renderMarkdown>[1]) => {
      rendered.push(text)
      return original.renderMarkdown(text, options)
    },
  }
})

const WorkflowProgress = withClientTemplate(WorkflowProgressSsr, 'demo/app/components/WorkflowProgress.vue')
const WorkflowOutput = withClientTemplate(WorkflowOutputSsr, 'demo/app/components/WorkflowOutput.vue')
const MarkdownHtml = withClientTemplate(MarkdownHtmlSsr, 'demo/app/components/MarkdownHtml.vue')

beforeEach(() => {
  rendered.length = 0
  vi.stubGlobal('computed', vue.computed)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** The steps as JobTurn builds them from a state: new objects every time, the outputs the same. */
function visits(outputs: unknown[], running: string): WorkflowVisit[] {
  return [
    ...outputs.map((output, index) => ({ key: `step${index}#1`, nodeId: `step${index}`, label: `Step ${index}`, kind: 'agent', status: 'completed' as const, output, current: false })),
    { key: 'writer#1', nodeId: 'writer', label: `Writer (${running})`, kind: 'agent', status: 'running' as const, current: true },
  ]
}

describe('workflow steps while a draft streams', () => {
  it('renders each finished step\'s output once, not again on every new state', async () => {
    const outputs: unknown[] = ['## Plan\n\n- one\n- two', { facts: ['a', 'b'] }, 'A **summary**.']
    const shown = vue.shallowRef(visits(outputs, 'piece 0'))
    const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(WorkflowProgress, { visits: shown.value }) }), { WorkflowOutput, MarkdownHtml })
    await vue.nextTick()
    expect(rendered).toHaveLength(3)
    const shownOutputs = allNodes(container).filter(node => String(node.props.class).includes('workflow-output'))
    expect(shownOutputs.map(node => node.props['aria-label'])).toEqual(['Output of Step 0', 'Output of Step 1', 'Output of Step 2'])
    expect(String(shownOutputs[1]!.props.innerHTML)).toContain('language-json')
    for (let piece = 1; piece <= 5; piece++) {
      shown.value = visits(outputs, `piece ${piece}`)
      await vue.nextTick()
    }
    expect(rendered).toHaveLength(3)
    unmount()
  })
})
