/**
 * A streaming answer is rendered again on every piece. Shown through one v-html (AiSdkTextPart.vue,
 * ReasoningBlock.vue, JobTurn.vue's answer), each piece replaced the whole answer's HTML: the
 * browser threw away every element of it and built them again, so a text selection (or an open
 * <details>) inside an earlier paragraph was lost while the answer streamed, and the whole answer
 * was parsed and laid out again per piece. The earlier, finished blocks must stay the same elements,
 * their HTML not written again; what is shown must still be the renderer's HTML.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { renderMarkdown } from '../../demo/app/lib/markdown'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, withClientTemplate } from '../support/demo-client-render'
import AiSdkTextPartSsr from '../../demo/app/components/AiSdkTextPart.vue'
import ReasoningBlockSsr from '../../demo/app/components/ReasoningBlock.vue'
import MarkdownBlocksSsr from '../../demo/app/components/MarkdownBlocks.vue'

const AiSdkTextPart = withClientTemplate(AiSdkTextPartSsr, 'demo/app/components/AiSdkTextPart.vue')
const ReasoningBlock = withClientTemplate(ReasoningBlockSsr, 'demo/app/components/ReasoningBlock.vue')
const MarkdownBlocks = withClientTemplate(MarkdownBlocksSsr, 'demo/app/components/MarkdownBlocks.vue')

beforeEach(() => {
  vi.stubGlobal('computed', vue.computed)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** The pieces of an answer as they stream: a paragraph, a list, a code block, then more text. */
const PIECES = ['Select **these words** in the first paragraph.\n\n', 'Then a list:\n\n- one', '\n- two\n\n```js\nlet a', ' = 1\n```\n\nAnd', ' the end.']

/** The deepest element whose HTML holds `text`. */
function elementHolding(root: FakeNode, text: string): FakeNode {
  return allNodes(root).filter(node => String(node.props.innerHTML ?? '').includes(text)).at(-1)!
}

/** The HTML shown under `root`: its elements' v-html, in order. */
function shownHtml(root: FakeNode): string {
  return allNodes(root).map(node => String(node.props.innerHTML ?? '')).join('')
}

/**
 * Streams `PIECES` into `component`; from the piece that starts the list on (`cursor`: the cursor
 * has left the paragraph), the paragraph's element must stay as it is.
 */
async function streamInto(component: Component, props: (text: string) => Record<string, unknown>, cursor: boolean): Promise<void> {
  const text = vue.shallowRef(PIECES.slice(0, cursor ? 2 : 1).join(''))
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(component, props(text.value)) }), { MarkdownBlocks })
  await vue.nextTick()
  expect(shownHtml(container)).toBe(renderMarkdown(text.value, { cursor }))
  const selected = elementHolding(container, 'these words')
  const selectedHtml = selected.props.innerHTML
  for (const piece of PIECES.slice(cursor ? 2 : 1)) {
    text.value += piece
    await vue.nextTick()
    expect(shownHtml(container)).toBe(renderMarkdown(text.value, { cursor }))
    // The paragraph with the selection: the same element, its HTML not written again.
    expect(allNodes(container)).toContain(selected)
    expect(selected.props.innerHTML).toBe(selectedHtml)
  }
  unmount()
}

describe('a streaming answer shown block by block', () => {
  it('keeps the earlier paragraph\'s element untouched as the AI SDK answer grows', async () => {
    await streamInto(AiSdkTextPart, text => ({ text, cursor: true }), true)
  })

  it('keeps the earlier paragraph\'s element untouched as the reasoning grows', async () => {
    await streamInto(ReasoningBlock, text => ({ text, streaming: true }), false)
  })
})
