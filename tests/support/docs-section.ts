/**
 * A section of a page of docs/, for the tests that hold the docs to the code: the `## <heading>`
 * section of a page, or the whole page when it is titled `# <heading>` (docs/ops.md's sections
 * became pages of their own: metrics.md is the "Metrics" section). Empty when neither is there.
 */
import { readFileSync } from 'node:fs'

/** The text of `docs/<file>`. */
export function readDoc(file: string): string {
  return readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8')
}

/** The section that `heading` starts (a prefix of the heading's text), up to the next heading of its level. */
export function docSection(file: string, heading: string): string {
  const text = readDoc(file)
  if (text.startsWith(`# ${heading}`)) return text
  const start = text.indexOf(`\n## ${heading}`)
  if (start < 0) return ''
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end < 0 ? undefined : end)
}
