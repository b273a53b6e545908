/**
 * Every line the server writes through the layer's logger is named on a page of docs/, so an
 * operator who reads a line in the log finds what it means (docs/logs.md, or the page of its
 * feature). Read from the code: the literal message of each `logger.info/warn/error(…)` call (a
 * `${…}` in it matches what the docs write there: `x`, `N`, `…`, `<name>`), and the `failed` and
 * `recovered` lines of the outage logs (failure-streak-log.ts; health-failure-log.ts' `counted` too). A line is named by its start: up to
 * its first ` (`, `; ` or `: `, as the docs quote it (`cleanup failed; …`).
 * Before, 30 lines were named nowhere — `ended a job whose owner was lost` among them. And the
 * other way: each line logs.md's tables name ("Lines by name", "Other lines") is one the code writes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { docSection } from '../support/docs-section'

const ROOT = new URL('../../', import.meta.url).pathname

/** Every .ts file under `dir` (relative to the repository). */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** A string literal (quotes, or backticks whose `${…}` may hold another template). */
const LITERAL = String.raw`(\`(?:\$\{(?:[^{}\`]|\`[^\`]*\`|\{[^}]*\})*\}|[^\`\\$]|\$(?!\{)|\\.)*\`|'(?:[^'\\]|\\.)*')`
/** A logger call (not `console`'s: a provider's fallback when it is used without the layer's logger) and its message. */
const LOGGER_CALL = new RegExp(String.raw`(?<!console)(?:\??\.(?:info|warn|error)|\[level\])\(\s*${LITERAL}`, 'g')
/** The messages of an outage's log (failure-streak-log.ts; health-failure-log.ts' count line, a function of the count). */
const STREAK_LINE = new RegExp(String.raw`\b(?:failed|recovered|counted):\s*(?:\w+\s*=>\s*)?${LITERAL}`, 'g')

/** The messages the server's code gives its logger, each with the file it is in. */
function loggedMessages(): Array<{ file: string, message: string }> {
  return sourceFiles('server').flatMap((file) => {
    const source = readFileSync(join(ROOT, file), 'utf8')
    const calls = [...source.matchAll(LOGGER_CALL)]
    const streaks = /createFailureStreakLog|failed: '/.test(source) && /FailureStreak|recovered: '/.test(source) ? [...source.matchAll(STREAK_LINE)] : []
    return [...calls, ...streaks].map(match => ({ file, message: match[1]!.slice(1, -1).replace(/\\(['`])/g, '$1') }))
  })
}

/** The docs' text, whitespace collapsed (a quote may wrap), typographic apostrophes plain. */
const docs = readdirSync(join(ROOT, 'docs')).filter(name => name.endsWith('.md'))
  .map(name => readFileSync(join(ROOT, 'docs', name), 'utf8')).join('\n')
  .replace(/’/g, '\'').replace(/\s+/g, ' ')

/** A `${…}` of a template, another template in it included. */
const PLACEHOLDER = /\$\{(?:[^{}]|\{[^}]*\})*\}/g

/** The start a line is named by, as a pattern: its text up to ` (`, `; ` or `: `, each `${…}` any short text. */
function namePattern(message: string): RegExp | null {
  const cut = /(?: \(|; |: )/.exec(message.replace(PLACEHOLDER, match => 'x'.repeat(match.length)))
  const start = cut && cut.index >= 12 ? message.slice(0, cut.index) : message
  const fragments = start.split(PLACEHOLDER)
  if (fragments.join('').replace(/\W/g, '').length < 8) return null
  return new RegExp(fragments.map(text => text.replace(/\s+/g, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.{1,60}?'))
}

describe('the log lines in the docs', () => {
  const messages = loggedMessages()

  it('reads the messages of the code', () => {
    // The scan finds the lines it should (a change of the call shapes would leave it empty).
    expect(messages.length).toBeGreaterThan(60)
    for (const known of ['job created', 'ended a job whose owner was lost', 'provider write succeeded again', 'cleanup failed; it runs again every limits.cleanupIntervalMs (not logged again until a pass succeeds)']) {
      expect(messages.map(({ message }) => message)).toContain(known)
    }
  })

  it('names every line the server logs', () => {
    const unnamed = messages.filter(({ message }) => {
      const pattern = namePattern(message)
      return pattern !== null && !pattern.test(docs)
    }).map(({ file, message }) => `${file}: ${message}`)
    expect(unnamed).toEqual([])
  })

  it('names in logs.md\'s tables only lines the code writes', () => {
    // The code's messages with each `${…}` a gap no name crosses.
    const written = messages.map(({ message }) => message.replace(PLACEHOLDER, '\u0001'))
    const names = ['Lines by name', 'Other lines'].flatMap(heading => docSection('logs.md', heading).split('\n')
      .filter(line => line.startsWith('| `'))
      .flatMap(line => [...line.split(' | ')[0]!.matchAll(/`([^`]+)`/g)].map(match => match[1]!)))
    expect(names.length).toBeGreaterThan(30)
    // A literal part of the name (what the docs write for a value — `x`, `N`, `<address>`, `10`, a
    // variable's name, `…` — is no part; nor what they write for a value in words) is in one of them.
    const unwritten = names.filter((name) => {
      const parts = name.split(/…|<[^>]*>|"x"|\bN\b|\d+|NUXT_[A-Z_]+/).map(part => part.replace(/^[\s(),:;]+|[\s(),:;]+$/g, '')).filter(part => part.length >= 10)
      return parts.length > 0 && !parts.some(part => written.some(message => message.includes(part)))
    })
    expect(unwritten).toEqual([])
  })
})
