import { describe, expect, it } from 'vitest'
import { CURSOR_HTML, escapeHtml, renderMarkdown } from '../../demo/app/lib/markdown'

const LINK_ATTRIBUTES = 'target="_blank" rel="noopener noreferrer"'
/**
 * markdown-it puts line breaks between tags; the tests compare the markup without them (code blocks
 * kept as they are), and without the blocks' `dir="auto"` (its own test below).
 */
const render = (text: string, options?: { cursor?: boolean }) =>
  renderMarkdown(text, options).replaceAll(' dir="auto"', '').split(/(<pre tabindex="0">[\s\S]*?<\/pre>)/).map(part => (part.startsWith('<pre tabindex="0">') ? part : part.replace(/>\n|\n(?=<)/g, match => match.slice(0, -1)))).join('')
const codeBlock = (code: string, language?: string) =>
  `<div class="code-block"><div class="code-head">${language ? `<span class="code-language">${language}</span>` : ''}`
  + `<button type="button" class="code-copy" aria-label="Copy code">Copy</button></div><pre tabindex="0"><code${language ? ` class="hljs language-${language}"` : ''}>${code}</code></pre></div>`

describe('renderMarkdown blocks', () => {
  it('splits paragraphs on blank lines and keeps single line breaks', () => {
    expect(render('one\ntwo\n\n\nthree')).toBe('<p>one<br>two</p><p>three</p>')
    expect(render('windows\r\nline\r\n\r\nend')).toBe('<p>windows<br>line</p><p>end</p>')
    expect(render('')).toBe('')
  })

  it('renders headings two levels below the page outline', () => {
    expect(render('# One\n## Two ##\n### *Three*\n#### Four')).toBe('<h3>One</h3><h4>Two</h4><h5><em>Three</em></h5><h6>Four</h6>')
    expect(render('#hashtag')).toBe('<p>#hashtag</p>')
  })

  it('starts an answer\'s outline at <h3> whatever level the model starts at, so no level is skipped', () => {
    expect(render('## Report\n### Part')).toBe('<h3>Report</h3><h4>Part</h4>')
    expect(render('#### Deep\ntext')).toBe('<h3>Deep</h3><p>text</p>')
    expect(render('## Two\n# One')).toBe('<h4>Two</h4><h3>One</h3>')
  })

  it('renders bullet and numbered lists, a blank line between items keeping one list', () => {
    expect(render('- a\n- b\n- c')).toBe('<ul><li>a</li><li>b</li><li>c</li></ul>')
    expect(render('1. one\n\n2. two\n3. three')).toBe('<ol><li><p>one</p></li><li><p>two</p></li><li><p>three</p></li></ol>')
    expect(render('Intro:\n- a\n- b\n\nAfter')).toBe('<p>Intro:</p><ul><li>a</li><li>b</li></ul><p>After</p>')
  })

  it('lets every block find its own direction (dir="auto"), so Hebrew or Arabic reads from the right, but not code', () => {
    const html = renderMarkdown('שלום עולם\n\n# כותרת\n\n- אחד\n\n1. two\n\n> ציטוט\n\n| a |\n|---|\n| ב |\n\n```\ncode\n```')
    expect(html).toContain('<p dir="auto">שלום עולם</p>')
    expect(html).toContain('<h3 dir="auto">כותרת</h3>')
    expect(html).toContain('<ul dir="auto">')
    expect(html).toContain('<ol dir="auto">')
    expect(html).toContain('<blockquote dir="auto">')
    expect(html).toContain('<th dir="auto">a</th>')
    expect(html).toContain('<td dir="auto">ב</td>')
    expect(html).toContain('<pre tabindex="0"><code>code\n</code></pre>')
  })

  it('nests lists by indentation', () => {
    expect(render('1. top\n   - inner\n     - deepest\n2. next')).toBe(
      '<ol><li>top<ul><li>inner<ul><li>deepest</li></ul></li></ul></li><li>next</li></ol>',
    )
  })

  it('renders bold and italic nested inside list items, with continuation lines', () => {
    expect(render('- **bold with *italic* inside**\n- _it_ and `code`\n  continued')).toBe(
      '<ul><li><strong>bold with <em>italic</em> inside</strong></li><li><em>it</em> and <code>code</code><br>continued</li></ul>',
    )
  })

  it('renders fenced code blocks verbatim and highlighted, in and outside list items', () => {
    expect(render('```\nconst a = b * c * d\n\n**not bold**\n```\nafter')).toBe(
      `${codeBlock('const a = b * c * d\n\n**not bold**\n')}<p>after</p>`,
    )
    expect(render('```ts\nconst a = 1\n```')).toBe(codeBlock('<span class="hljs-keyword">const</span> a = <span class="hljs-number">1</span>\n', 'ts'))
    expect(render('1. Run:\n   ~~~\n   npm test\n   ~~~\n2. Done')).toBe(`<ol><li>Run:${codeBlock('npm test\n')}</li><li>Done</li></ol>`)
    expect(render('```inline``` code')).toBe('<p><code>inline</code> code</p>')
    // An unknown language is labelled, escaped and not highlighted.
    expect(render('```made-up\n<b>x</b>\n```')).toBe(codeBlock('&lt;b&gt;x&lt;/b&gt;\n', 'made-up'))
    // A block with a very long word is shown as it is, not highlighted (highlight.js's time grows
    // with the square of a word's length: bench/markdown.ts measures it).
    const word = 'a'.repeat(200)
    expect(render(`\`\`\`ts\nconst ${word} = <b>1</b>\n\`\`\``)).toBe(codeBlock(`const ${word} = &lt;b&gt;1&lt;/b&gt;\n`, 'ts'))
    expect(render(`\`\`\`ts\nconst ${word.slice(1)} = 1\n\`\`\``)).toContain('<span class="hljs-keyword">const</span>')
  })

  it('renders an indented code block like a fence (a focusable sideways-scrolling box with Copy), not as a page-widening <pre>', () => {
    expect(render('Before\n\n    const wide = 1\n\nAfter')).toBe(`<p>Before</p>${codeBlock('const wide = 1\n')}<p>After</p>`)
  })

  it('renders tables inside a sideways-scrolling box, with alignment', () => {
    expect(render('| a | b |\n|:--|--:|\n| 1 | **2** |')).toBe(
      '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table><thead><tr><th style="text-align:left">a</th><th style="text-align:right">b</th></tr></thead>'
      + '<tbody><tr><td style="text-align:left">1</td><td style="text-align:right"><strong>2</strong></td></tr></tbody></table></div>',
    )
  })

  it('renders a rule from three or more -, * or _', () => {
    expect(render('above\n\n---\n* * *\nbelow')).toBe('<p>above</p><hr><hr><p>below</p>')
  })
})

describe('renderMarkdown inline', () => {
  it('renders bold, italic with * and _, and both at once', () => {
    expect(render('**b** *i* _u_ __B__ ***both*** ~~gone~~')).toBe('<p><strong>b</strong> <em>i</em> <em>u</em> <strong>B</strong> <em><strong>both</strong></em> <s>gone</s></p>')
  })

  it('leaves snake_case, lone stars and escaped markers alone', () => {
    expect(render('snake_case_name 2 * 3 * 4 \\*not\\*')).toBe('<p>snake_case_name 2 * 3 * 4 *not*</p>')
  })

  it('renders code spans whose content is never formatted', () => {
    expect(render('`a *b* <c>` and `` x ` y ``')).toBe('<p><code>a *b* &lt;c&gt;</code> and <code>x ` y</code></p>')
  })

  it('renders http(s) links and bare http(s) URLs that open in a new tab without an opener', () => {
    expect(render('[the **docs**](https://example.com/a?b=1&c=2) [plain](HTTP://example.com)')).toBe(
      `<p><a href="https://example.com/a?b=1&amp;c=2" ${LINK_ATTRIBUTES}>the <strong>docs</strong></a> <a href="HTTP://example.com" ${LINK_ATTRIBUTES}>plain</a></p>`,
    )
    expect(render('see https://example.com/x.')).toBe(`<p>see <a href="https://example.com/x" ${LINK_ATTRIBUTES}>https://example.com/x</a>.</p>`)
    // Only absolute http(s): no fuzzy domains, e-mail, ftp or protocol-relative links.
    expect(render('www.example.com me@example.com ftp://example.com //example.com')).toBe('<p>www.example.com me@example.com ftp://example.com //example.com</p>')
  })

  it('puts the streaming cursor right after the last character, inside the last block', () => {
    expect(render('- a\n- **b', { cursor: true })).toBe(`<ul><li>a</li><li>**b${CURSOR_HTML}</li></ul>`)
    expect(render('**done**', { cursor: true })).toBe(`<p><strong>done${CURSOR_HTML}</strong></p>`)
    expect(render('', { cursor: true })).toBe(CURSOR_HTML)
    expect(render('```\ncode\n```', { cursor: true })).toBe(codeBlock(`code${CURSOR_HTML}\n`))
  })
})

describe('renderMarkdown safety', () => {
  it('escapes every HTML special character', () => {
    expect(escapeHtml('& < > " \'')).toBe('&amp; &lt; &gt; &quot; &#39;')
    expect(render('<script>alert("x")</script>')).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>')
    expect(render('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>')
    expect(render('<div>\n<b>block html</b>\n</div>')).toBe('<p>&lt;div&gt;<br>&lt;b&gt;block html&lt;/b&gt;<br>&lt;/div&gt;</p>')
  })

  it('never links a non-http scheme, and never loads an image', () => {
    for (const href of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example', '/relative', '#anchor']) {
      const html = render(`[click](${href})`)
      expect(html, href).not.toContain('<a')
      expect(html, href).toContain('[click]')
    }
    for (const text of ['<javascript:alert(1)>', 'javascript:alert(1)', '[x]: javascript:alert(1)\n\n[x]']) expect(render(text), text).not.toContain('<a')
    expect(render('![pixel](https://tracker.example/p.png)')).not.toContain('<img')
  })

  it('keeps quotes and markup in link text and href inert', () => {
    const html = render('[a" onmouseover="alert(1)](https://x.y/"onclick="alert(1)) [<b>x</b>](https://x.y)')
    expect(html).toBe(
      `<p><a href="https://x.y/%22onclick=%22alert(1)" ${LINK_ATTRIBUTES}>a&quot; onmouseover=&quot;alert(1)</a> `
      + `<a href="https://x.y" ${LINK_ATTRIBUTES}>&lt;b&gt;x&lt;/b&gt;</a></p>`,
    )
    // Every attribute in the output is one the renderer wrote itself.
    const attributes = [...html.matchAll(/ ([a-z-]+)="/g)].map(match => match[1])
    expect(new Set(attributes)).toEqual(new Set(['href', 'rel', 'target']))
  })

  it('does not link a URL with whitespace inside', () => {
    expect(render('[a](https://x.y/ onclick=1)')).toBe(`<p>[a](<a href="https://x.y/" ${LINK_ATTRIBUTES}>https://x.y/</a> onclick=1)</p>`)
  })
})

describe('renderMarkdown while streaming', () => {
  it('shows unclosed markers as literal text', () => {
    expect(render('This is **bo')).toBe('<p>This is **bo</p>')
    expect(render('an *ital')).toBe('<p>an *ital</p>')
    expect(render('run `npm')).toBe('<p>run `npm</p>')
    // A bare http(s) URL is linked even before its link closes.
    expect(render('see [docs](https://exa')).toBe(`<p>see [docs](<a href="https://exa" ${LINK_ATTRIBUTES}>https://exa</a></p>`)
    expect(render('| a | b |\n|--')).toBe('<p>| a | b |<br>|--</p>')
  })

  it('renders an unclosed fence as an open code block, and every prefix as balanced HTML', () => {
    expect(render('Code:\n```\nlet x = 1\n**y')).toBe(`<p>Code:</p>${codeBlock('let x = 1\n**y')}`)
    const answer = '# Plan\n\n1. **First** step with `code`\n   - *nested* [link](https://x.y)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst block = "x"\n```\nDone _now_.'
    for (let end = 0; end <= answer.length; end++) {
      const html = renderMarkdown(answer.slice(0, end), { cursor: true })
      expect(html.split(CURSOR_HTML).length, `prefix ${end}: ${html}`).toBe(2)
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
  // These check the output on 100 KB inputs; how the time grows with size is measured by
  // `npm run bench -- markdown` (bench/markdown.ts).
  const SIZE = 100_000

  it('renders 100 KB runs of *, _ and backticks as literal text', () => {
    for (const character of ['*', '_', '`']) {
      const run = character.repeat(SIZE)
      expectSameHtml(renderMarkdown(`x${run}`), `<p dir="auto">x${run}</p>`)
    }
  })

  it('renders 100 KB of unmatched openers and open brackets as text', () => {
    const openers = '**a *b _c '.repeat(SIZE / 10)
    expectSameHtml(renderMarkdown(openers), `<p dir="auto">${openers.trim()}</p>`)
    const brackets = '['.repeat(SIZE)
    expectSameHtml(renderMarkdown(`${brackets}](https://x.y)`), `<p dir="auto">${brackets.slice(1)}<a href="https://x.y" ${LINK_ATTRIBUTES}></a></p>`)
  })

  it('renders 100 KB of alternating emphasis, and markup mixed with markers only as its own tags', () => {
    expectSameHtml(renderMarkdown('*a'.repeat(SIZE / 2)), `<p dir="auto">${'<em>a</em>a'.repeat(SIZE / 4)}</p>`)
    const html = renderMarkdown('<img src=x onerror=alert(1)>_*`[x](javascript:y)**'.repeat(SIZE / 50))
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/g)].map(match => match[1]))
    expect([...tags].every(tag => ['p', 'em', 'strong', 'code'].includes(tag!)), [...tags].join()).toBe(true)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('caps nesting depth (100 KB of > or list markers stays small)', () => {
    expect(renderMarkdown('>'.repeat(SIZE)).length).toBeLessThan(10_000)
    expect(renderMarkdown(`${'  '.repeat(SIZE / 4)}- deep`).length).toBeLessThan(SIZE)
  })
})
