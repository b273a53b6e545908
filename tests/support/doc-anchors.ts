/**
 * The anchors of a page of the docs, as GitHub names them, for the tests that follow links and
 * references into docs/ (docs-links, docs-references-in-code).
 */

/** The anchor GitHub gives a heading: lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  return heading.trim().replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
}

/** A page's text without its fenced code blocks (a `# comment` in one is no heading). */
export function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '')
}

/** The anchors of a page: its headings' (a repeated one numbered `-1`, `-2`…) and its `<a id>`s. */
export function anchors(text: string): Set<string> {
  const found = new Set<string>()
  const seen = new Map<string, number>()
  const body = prose(text)
  for (const [, heading] of body.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading!)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    found.add(count ? `${base}-${count}` : base)
  }
  for (const [, id] of body.matchAll(/<a (?:id|name)="([^"]+)"/g)) found.add(id!)
  return found
}

/** Whether `section` starts a heading of the page or is a bold lead (`**Stuck jobs.**`) in it. */
export function namesSection(text: string, section: string): boolean {
  const lead = section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^#{1,6} ${lead}|\\*\\*${lead}`, 'm').test(text)
}
