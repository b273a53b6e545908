/**
 * A streaming answer is rendered again on every delta (JobTurn.vue, AiSdkTextPart.vue): its code
 * blocks that are already finished must not be highlighted again each time. highlight.js is the
 * costliest part of a render; every finished block was highlighted anew on every piece, so an
 * answer with many code blocks cost more per delta the longer it got.
 */
import hljs from 'highlight.js/lib/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { highlightCode } from '../../demo/app/lib/code-highlight'
import { renderMarkdown } from '../../demo/app/lib/markdown'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('code highlighting while an answer streams', () => {
  it('highlights each finished code block once, however many deltas follow it', () => {
    const highlight = vi.spyOn(hljs, 'highlight')
    const finished = '```ts\nconst first: number = 1\n```\n\nThen:\n\n```python\ndef second():\n    return 2\n```\n\n'
    const rendered: string[] = []
    let answer = finished
    for (const delta of ['Some ', 'more ', 'words ', 'after ', 'the code.']) {
      answer += delta
      rendered.push(renderMarkdown(answer, { cursor: true }))
    }
    const codes = highlight.mock.calls.map(([code]) => code)
    expect(codes.filter(code => code.includes('const first'))).toHaveLength(1)
    expect(codes.filter(code => code.includes('def second'))).toHaveLength(1)
    // The HTML is the same as before.
    expect(rendered.at(-1)).toContain('<span class="hljs-keyword">const</span> <span class="hljs-attr">first</span>')
    expect(rendered.at(-1)).toContain('<span class="hljs-keyword">def</span>')
  })

  it('gives the same HTML for a block from memory as highlighting it anew', () => {
    const code = 'let a = "<b>" && 1'
    const first = highlightCode(code, 'js')
    expect(highlightCode(code, 'js')).toEqual(first)
    expect(highlightCode(code, 'JS')).toEqual(first)
    expect(highlightCode(code, 'python')).not.toEqual(first)
    expect(highlightCode(code, '')).toEqual({ html: 'let a = "&lt;b&gt;" &amp;&amp; 1', language: null })
  })
})
