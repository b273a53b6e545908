import { describe, expect, it } from 'vitest'
import { CURSOR_HTML, escapeHtml, renderMarkdown } from '../../demo/app/lib/markdown'

const LINK_ATTRIBUTES = 'rel="noopener noreferrer" target="_blank"'

describe('renderMarkdown blocks', () => {
  it('splits paragraphs on blank lines and keeps single line breaks', () => {
    expect(renderMarkdown('one\ntwo\n\n\nthree')).toBe('<p>one<br>two</p><p>three</p>')
    expect(renderMarkdown('windows\r\nline\r\n\r\nend')).toBe('<p>windows<br>line</p><p>end</p>')
    expect(renderMarkdown('')).toBe('')
  })

  it('renders # to ### as headings below the page outline, and #### as text', () => {
    expect(renderMarkdown('# One\n## Two ##\n### *Three*\n#### Four')).toBe('<h3>One</h3><h4>Two</h4><h5><em>Three</em></h5><p>#### Four</p>')
    expect(renderMarkdown('#hashtag')).toBe('<p>#hashtag</p>')
  })

  it('renders bullet and numbered lists, a blank line between items keeping one list', () => {
    expect(renderMarkdown('- a\n* b\n+ c')).toBe('<ul><li>a</li><li>b</li><li>c</li></ul>')
    expect(renderMarkdown('1. one\n\n2. two\n3) three')).toBe('<ol><li>one</li><li>two</li><li>three</li></ol>')
    expect(renderMarkdown('Intro:\n- a\n- b\n\nAfter')).toBe('<p>Intro:</p><ul><li>a</li><li>b</li></ul><p>After</p>')
  })

  it('nests lists by indentation and switches list type at the same level', () => {
    expect(renderMarkdown('1. top\n   - inner\n     - deepest\n2. next\n- bullet')).toBe(
      '<ol><li>top<ul><li>inner<ul><li>deepest</li></ul></li></ul></li><li>next</li></ol><ul><li>bullet</li></ul>',
    )
  })

  it('renders bold and italic nested inside list items, with continuation lines', () => {
    expect(renderMarkdown('- **bold with *italic* inside**\n- _it_ and `code`\n  continued')).toBe(
      '<ul><li><strong>bold with <em>italic</em> inside</strong></li><li><em>it</em> and <code>code</code><br>continued</li></ul>',
    )
  })

  it('renders fenced code blocks verbatim, in and outside list items', () => {
    expect(renderMarkdown('```ts\nconst a = b * c * d\n\n**not bold**\n```\nafter')).toBe(
      '<pre><code>const a = b * c * d\n\n**not bold**</code></pre><p>after</p>',
    )
    expect(renderMarkdown('1. Run:\n   ~~~\n   npm test\n   ~~~\n2. Done')).toBe('<ol><li>Run:<pre><code>npm test</code></pre></li><li>Done</li></ol>')
    expect(renderMarkdown('```inline``` code')).toBe('<p><code>inline</code> code</p>')
  })

  it('renders a rule from three or more -, * or _', () => {
    expect(renderMarkdown('above\n\n---\n* * *\nbelow')).toBe('<p>above</p><hr><hr><p>below</p>')
  })
})

describe('renderMarkdown inline', () => {
  it('renders bold, italic with * and _, and both at once', () => {
    expect(renderMarkdown('**b** *i* _u_ __B__ ***both***')).toBe('<p><strong>b</strong> <em>i</em> <em>u</em> <strong>B</strong> <strong><em>both</em></strong></p>')
  })

  it('leaves snake_case, lone stars and escaped markers alone', () => {
    expect(renderMarkdown('snake_case_name 2 * 3 * 4 \\*not\\*')).toBe('<p>snake_case_name 2 * 3 * 4 *not*</p>')
  })

  it('renders code spans whose content is never formatted', () => {
    expect(renderMarkdown('`a *b* <c>` and `` x ` y ``')).toBe('<p><code>a *b* &lt;c&gt;</code> and <code>x ` y</code></p>')
  })

  it('renders http(s) links that open in a new tab without an opener', () => {
    expect(renderMarkdown('[the **docs**](https://example.com/a?b=1&c=2) [plain](HTTP://example.com)')).toBe(
      `<p><a href="https://example.com/a?b=1&amp;c=2" ${LINK_ATTRIBUTES}>the <strong>docs</strong></a> <a href="HTTP://example.com" ${LINK_ATTRIBUTES}>plain</a></p>`,
    )
  })

  it('puts the streaming cursor right after the last character, inside the last block', () => {
    expect(renderMarkdown('- a\n- **b', { cursor: true })).toBe(`<ul><li>a</li><li>**b${CURSOR_HTML}</li></ul>`)
    expect(renderMarkdown('**done**', { cursor: true })).toBe(`<p><strong>done${CURSOR_HTML}</strong></p>`)
    expect(renderMarkdown('', { cursor: true })).toBe(CURSOR_HTML)
  })
})

describe('renderMarkdown safety', () => {
  it('escapes every HTML special character', () => {
    expect(escapeHtml('& < > " \'')).toBe('&amp; &lt; &gt; &quot; &#39;')
    expect(renderMarkdown('<script>alert("x")</script>')).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>')
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>')
  })

  it('never links a non-http scheme', () => {
    for (const href of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example', ' https://x.y']) {
      const html = renderMarkdown(`[click](${href})`)
      expect(html).not.toContain('<a')
      expect(html).toContain('[click]')
    }
  })

  it('keeps quotes and markup in link text and href inert', () => {
    const html = renderMarkdown('[a" onmouseover="alert(1)](https://x.y/"onclick="alert(1)) [<b>x</b>](https://x.y)')
    expect(html).toBe(
      `<p><a href="https://x.y/&quot;onclick=&quot;alert(1" ${LINK_ATTRIBUTES}>a&quot; onmouseover=&quot;alert(1)</a>) `
      + `<a href="https://x.y" ${LINK_ATTRIBUTES}>&lt;b&gt;x&lt;/b&gt;</a></p>`,
    )
    // Every attribute in the output is one the renderer wrote itself.
    const attributes = [...html.matchAll(/ ([a-z-]+)="/g)].map(match => match[1])
    expect(new Set(attributes)).toEqual(new Set(['href', 'rel', 'target']))
  })

  it('does not link a URL with whitespace inside', () => {
    expect(renderMarkdown('[a](https://x.y/ onclick=1)')).toBe('<p>[a](https://x.y/ onclick=1)</p>')
  })
})

describe('renderMarkdown while streaming', () => {
  it('shows unclosed markers as literal text', () => {
    expect(renderMarkdown('This is **bo')).toBe('<p>This is **bo</p>')
    expect(renderMarkdown('an *ital')).toBe('<p>an *ital</p>')
    expect(renderMarkdown('run `npm')).toBe('<p>run `npm</p>')
    expect(renderMarkdown('see [docs](https://exa')).toBe('<p>see [docs](https://exa</p>')
    // Crossed markers: the inner pair wins, the rest stays literal.
    expect(renderMarkdown('**a *b** c*')).toBe('<p>**a <em>b</em>* c*</p>')
  })

  it('renders an unclosed fence as an open code block, and every prefix as balanced HTML', () => {
    expect(renderMarkdown('Code:\n```\nlet x = 1\n**y')).toBe('<p>Code:</p><pre><code>let x = 1\n**y</code></pre>')
    const answer = '# Plan\n\n1. **First** step with `code`\n   - *nested* [link](https://x.y)\n\n```\nblock\n```\nDone _now_.'
    for (let end = 0; end <= answer.length; end++) {
      const html = renderMarkdown(answer.slice(0, end), { cursor: true })
      const stack: string[] = []
      for (const [, closing, name] of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
        if (name === 'br' || name === 'hr') continue
        if (closing) expect(stack.pop(), `prefix ${end}: ${html}`).toBe(name)
        else stack.push(name!)
      }
      expect(stack, `prefix ${end}: ${html}`).toEqual([])
    }
  })
})

/** Compares long strings without printing 100 KB diffs: the message names the first difference. */
function expectSameHtml(actual: string, expected: string): void {
  let index = 0
  while (index < Math.min(actual.length, expected.length) && actual[index] === expected[index]) index++
  const message = `first difference at ${index}: ${JSON.stringify(actual.slice(index, index + 60))} vs ${JSON.stringify(expected.slice(index, index + 60))}`
  expect(actual === expected, message).toBe(true)
}

describe('renderMarkdown on pathological input', () => {
  // Linear by construction; these check the output (a quadratic pass would hit the test timeout).
  const SIZE = 100_000

  it('renders 100 KB runs of *, _ and backticks as literal text', () => {
    for (const character of ['*', '_', '`']) {
      const run = character.repeat(SIZE)
      expectSameHtml(renderMarkdown(`x${run}`), `<p>x${run}</p>`)
    }
  })

  it('renders 100 KB of unmatched openers, open brackets and mixed backtick runs', () => {
    const openers = '**a *b _c '.repeat(SIZE / 10)
    expectSameHtml(renderMarkdown(openers), `<p>${openers.trim()}</p>`)
    const brackets = '['.repeat(SIZE)
    expectSameHtml(renderMarkdown(`${brackets}](https://x.y)`), `<p><a href="https://x.y" ${LINK_ATTRIBUTES}>${brackets.slice(1)}</a></p>`)
    // Runs of 1 to 7 backticks: a run pairs with the next run of its own length, 7 runs later, so each
    // code span swallows 8 runs.
    const ticks = Array.from({ length: SIZE / 8 }, (_, index) => `${'`'.repeat(1 + (index % 7))}a`).join('')
    const html = renderMarkdown(ticks)
    expect(html.startsWith('<p><code>a``a```a````a`````a``````a```````a</code>')).toBe(true)
    expect(html.split('<code>').length - 1).toBe(Math.floor(SIZE / 8 / 8))
  })

  it('renders 100 KB of alternating emphasis, and markup mixed with markers only as its own tags', () => {
    expectSameHtml(renderMarkdown('*a'.repeat(SIZE / 2)), `<p>${'<em>a</em>a'.repeat(SIZE / 4)}</p>`)
    const html = renderMarkdown('<img src=x onerror=alert(1)>_*`[x](javascript:y)**'.repeat(SIZE / 50))
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/g)].map(match => match[1]))
    expect([...tags].every(tag => ['p', 'em', 'strong', 'code'].includes(tag!))).toBe(true)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})
