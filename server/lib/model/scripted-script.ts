/**
 * What the built-in scripted model says: a pure, deterministic plan for one round, decided from
 * the last user message, the offered tools and the tool results so far.
 */
import { cutTextWith } from '../../../shared/cut-text'
import type { ChatMessage } from '../providers/types'
import { sampleArguments } from './scripted-arguments'
import type { ModelTool } from './types'

/**
 * The first reasoning of a conversation, so nobody mistakes it for a real model. It stays out of the
 * answer's text: a workflow would repeat it in every agent's output, and apps label the model
 * themselves (the catalog's `model.scripted`).
 */
export const SCRIPTED_LABEL = 'Built-in scripted model (set NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY for a real one).'

/** One planned tool call. */
export interface ScriptedCall {
  name: string
  args: Record<string, unknown>
}

/** One round of the scripted model. */
export interface ScriptedTurn {
  reasoning: string[]
  text: string
  calls: ScriptedCall[]
  /** Send an error chunk after this many characters of text (the prompt asked to "fail"). */
  failAfterChars?: number
}

/** The request fields the script reads. */
export interface ScriptedRequest {
  messages: ChatMessage[]
  tools?: ModelTool[]
}

/**
 * Plans the next round: the next planned tool step, or the answer. A trailing assistant message
 * with text is a prefill (a job continued on another server): the answer goes on after it.
 */
export function planScriptedTurn(request: ScriptedRequest): ScriptedTurn {
  const { messages } = request
  const prefill = messages.at(-1)
  if (prefill?.role === 'assistant' && prefill.content && !prefill.tool_calls?.length) {
    const turn = planScriptedTurn({ ...request, messages: messages.slice(0, -1) })
    if (!turn.text.startsWith(prefill.content)) return turn
    const rest = { reasoning: [], text: turn.text.slice(prefill.content.length), calls: turn.calls }
    // A "fail" answer still fails at the same point of the whole answer (at once when the stored
    // text already reaches it), not as if the continuation had succeeded.
    if (turn.failAfterChars === undefined) return rest
    return { ...rest, failAfterChars: Math.max(0, turn.failAfterChars - prefill.content.length) }
  }
  const lastUserIndex = findLastIndex(messages, message => message.role === 'user')
  const prompt = lastUserIndex >= 0 ? messages[lastUserIndex]!.content ?? '' : ''
  const sinceUser = messages.slice(lastUserIndex + 1)
  const stepsDone = sinceUser.filter(message => message.role === 'assistant' && message.tool_calls?.length).length
  const offered = new Set((request.tools ?? []).map(tool => tool.function.name))
  const parameters = new Map((request.tools ?? []).map(tool => [tool.function.name, tool.function.parameters]))
  const steps = planToolSteps(prompt, offered, parameters)
  const label = messages.some(message => message.role === 'assistant') ? [] : [`${SCRIPTED_LABEL}\n\n`]

  const step = steps[stepsDone]
  if (step) {
    return { reasoning: [...label, `The user asked: “${excerpt(prompt, 80)}”. `, `Calling ${step.map(call => call.name).join(' and ')}.`], text: '', calls: step }
  }
  const results = toolResults(sinceUser)
  const text = results.length ? resultsAnswer(results) : echoAnswer(prompt, offered)
  const fails = /\bfail/i.test(prompt)
  return {
    reasoning: [...label, ...(results.length ? ['Every tool has answered; ', 'summing up the results.'] : [`The user wrote: “${excerpt(prompt, 80)}”. `, 'No tool is needed; answering directly.'])],
    text,
    calls: [],
    ...(fails ? { failAfterChars: Math.floor(text.length / 3) } : {}),
  }
}

/** The demo tools the script calls from plain words, with the words that ask for them. */
const DEMO_TOOL_ASKS: Record<string, string> = {
  get_current_time: 'ask for the time',
  calculate: 'ask it to calculate 12 * 7',
  slow_task: 'ask for something slow',
  crawl_site: 'ask it to crawl a site (it reports its progress)',
  delete_file: 'ask it to delete a file (that one waits for your approval)',
  deploy_site: 'ask it to deploy a site (approval first, then its progress)',
}
const MAX_NAMED_TOOLS = 5

/**
 * How to see the offered tools at work, or nothing when none is offered: an app's answer must not
 * advertise the demo's tools it does not have.
 */
function toolHint(offered: Set<string>): string {
  const asks = Object.entries(DEMO_TOOL_ASKS).filter(([name]) => offered.has(name)).map(([, ask]) => ask)
  const others = [...offered].filter(name => !(name in DEMO_TOOL_ASKS))
  if (others.length) {
    const shown = others.length > MAX_NAMED_TOOLS ? [...others.slice(0, MAX_NAMED_TOOLS), '…'] : others
    asks.push(`name a tool in your message (${shown.join(', ')})`)
  }
  if (!asks.length) return ''
  const list = asks.length > 1 ? `${asks.slice(0, -1).join(', ')}, or ${asks.at(-1)}` : asks[0]
  return `To see tools at work, ${list}.`
}

/**
 * The tool steps a prompt asks for, in order; only tools that were offered. A tool named in the
 * prompt gets sample arguments made from its `parameters` schema (scripted-arguments.ts).
 */
export function planToolSteps(prompt: string, offered: Set<string>, parameters: Map<string, unknown> = new Map()): ScriptedCall[][] {
  const lower = prompt.toLowerCase()
  const calls: ScriptedCall[] = []
  const want = (name: string, args: Record<string, unknown>) => {
    if (offered.has(name) && !calls.some(call => call.name === name)) calls.push({ name, args })
  }
  if (/\btime\b/.test(lower)) want('get_current_time', {})
  const expression = /\b(?:calculate|compute)\b/.exec(lower) ? extractExpression(prompt) : undefined
  if (expression) want('calculate', { expression })
  if (/\bslow\b/.test(lower)) want('slow_task', { seconds: 2 })
  if (/\bcrawl\b/.test(lower)) want('crawl_site', {})
  if (/\bdeploy\b/.test(lower)) want('deploy_site', {})
  if (/\b(?:delete|approval)\b/.test(lower)) {
    const deleter = [...offered].find(name => name.includes('delete'))
    if (deleter) want(deleter, { path: 'notes.txt' })
  }
  // App-defined tools can be exercised offline by naming them in the prompt.
  for (const name of offered) {
    if (namedIn(prompt, name)) want(name, sampleArguments(parameters.get(name)))
  }
  if (!calls.length) return []
  return /\b(?:both|parallel)\b/.test(lower) ? [calls] : calls.map(call => [call])
}

/**
 * Whether `name` appears in the prompt as a whole name, not inside a longer word: a tool named
 * `search` is not asked for by "research", nor `time` by "get_current_time".
 */
function namedIn(prompt: string, name: string): boolean {
  const isNameChar = (char: string | undefined) => char !== undefined && /[\w-]/.test(char)
  for (let index = prompt.indexOf(name); index >= 0; index = prompt.indexOf(name, index + 1)) {
    if (!isNameChar(prompt[index - 1]) && !isNameChar(prompt[index + name.length])) return true
  }
  return false
}

/**
 * A run of arithmetic characters; it starts at a non-space, so scanning for runs stays linear. A
 * comma followed by a digit stays in the run ("3,5"), so calculate refuses it rather than getting "3".
 */
const EXPRESSION_RUN = /[-+*/%^().\d×÷−](?:[-+*/%^().\d\s×÷−]|,(?=\d))*/y

/** Operators written as words between two operands ("5 times 3"), by their first word. */
const WORD_OPERATORS: Record<string, string> = { times: '*', multiplied: '*', divided: '/', plus: '+', minus: '-', to: '^' }
const WORD_OPERATOR = /([\d)])[^\S\n]+(times|multiplied[^\S\n]+by|divided[^\S\n]+by|plus|minus|to[^\S\n]+the[^\S\n]+power[^\S\n]+of)[^\S\n]+(?=[\d(.])/gi

/** The arithmetic run starting at `index` when it holds a digit. */
function runAt(prompt: string, index: number): string | undefined {
  EXPRESSION_RUN.lastIndex = index
  const run = EXPRESSION_RUN.exec(prompt)?.[0]
  return run && /\d/.test(run) ? run : undefined
}

/**
 * The expression to calculate: the run right after "calculate"/"compute" (past a colon or an equals
 * sign: "Calculate: 12 * 7"), else the first run with a digit anywhere ("What is 12 * 7? Calculate
 * it."), else 6 * 7.
 */
function extractExpression(original: string): string {
  // Thousands separators go (1,000 is 1000), and an x or a word between two operands is an
  // operator (12 x 7, 5 times 3).
  const prompt = original
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/([\d)])[^\S\n]*[xX][^\S\n]*(?=[\d(])/g, '$1 * ')
    .replace(WORD_OPERATOR, (_match, left: string, word: string) => `${left} ${WORD_OPERATORS[word.toLowerCase().split(/\s/)[0]!]} `)
  let run: string | undefined
  for (const word of prompt.matchAll(/\b(?:calculate|compute)\b[\s:=]*/gi)) {
    run = runAt(prompt, word.index + word[0].length)
    if (run) break
  }
  // A run elsewhere starts at a number, a sign or "(", not at a sentence's full stop.
  for (const other of run ? [] : prompt.matchAll(/(?:[-+(−]|\.?\d)(?:[-+*/%^().\d\s×÷−]|,(?=\d))*/g)) {
    if (/\d/.test(other[0])) {
      run = other[0]
      break
    }
  }
  if (!run) return '6 * 7'
  // A sentence's closing full stop is not part of the expression ("calculate 2+3."). A loop, not
  // /\.+$/: that one scans a long run of dots again from each of its dots.
  // The typographic signs people type (12 × 7, 10 ÷ 4, 5 − 3) are the calculator's * / -.
  const expression = run.trim().replace(/×/g, '*').replace(/÷/g, '/').replace(/−/g, '-')
  let end = expression.length
  while (end > 0 && expression[end - 1] === '.') end--
  return expression.slice(0, end)
}

interface ToolResult {
  name: string
  content: string
  /** The user denied the call: it did not run. */
  denied: boolean
}

/**
 * A denied call's error (ToolDeniedError's message): the reason the user gave, if any, and the
 * advice meant for the model, which the answer follows rather than quotes.
 */
const DENIED_CALL = /^The user denied the call to tool "[^"]*"(?:: ([\s\S]*))?\. Do not retry it; tell the user it was not done$/

/** The reason of a denied call (`''` when none was given), or null when `content` is not a denial. */
function deniedReason(content: string): string | null {
  let value: unknown
  try {
    value = JSON.parse(content)
  }
  catch {
    return null
  }
  const error = value && typeof value === 'object' && 'error' in value ? value.error : undefined
  const match = typeof error === 'string' ? DENIED_CALL.exec(error) : null
  return match ? match[1] ?? '' : null
}

function toolResults(messages: ChatMessage[]): ToolResult[] {
  const names = new Map<string, string>()
  for (const message of messages) {
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name)
  }
  return messages
    .filter(message => message.role === 'tool')
    .map((message) => {
      const name = message.name ?? names.get(message.tool_call_id ?? '') ?? 'tool'
      const reason = deniedReason(message.content ?? '')
      if (reason !== null) return { name, content: `not done: you denied it${reason ? ` (${excerpt(reason, 200)})` : ''}.`, denied: true }
      return { name, content: excerpt(readable(message.content ?? ''), 200), denied: false }
    })
}

/** Most items of an array a tool result quotes; the rest are `…`. */
const SHOWN_ITEMS = 3

/** One value as words: a string without quotes, an array as its count and first items, anything else compact JSON. */
function show(item: unknown): string {
  if (typeof item === 'string') return item
  if (!Array.isArray(item)) return JSON.stringify(item)
  if (item.length === 0) return 'no items'
  const shown = item.slice(0, SHOWN_ITEMS).map(show)
  if (item.length > SHOWN_ITEMS) shown.push('…')
  return `${item.length} ${item.length === 1 ? 'item' : 'items'}: ${shown.join(', ')}`
}

/** A tool result as words: a JSON object's fields as `name: value`, strings without quotes, arrays as their count and first items. */
function readable(content: string): string {
  let value: unknown
  try {
    value = JSON.parse(content)
  }
  catch {
    return content
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).map(([name, item]) => `${name}: ${show(item)}`).join(', ')
  }
  return show(value)
}

function resultsAnswer(results: ToolResult[]): string {
  const lines = results.map(result => `- **${result.name}** — ${result.content}`)
  // A denied call was not done: the answer does not claim it was.
  const ending = results.some(result => result.denied) ? 'What you denied did not run.' : 'That is everything you asked for.'
  return `Here is what the tools returned:\n\n${lines.join('\n')}\n\n${ending} These results came from real server-side tools; only the wording around them is scripted.`
}

/** An answer that shows Markdown at work: a table and a code block (the prompt says "markdown"). */
function markdownAnswer(): string {
  return [
    'Here is some **Markdown**, as a real model might write it.',
    '| Provider | Survives a restart | Many instances |\n|---|---|---|\n| memory | no | no |\n| convex | yes | yes |',
    'Starting a job from a client:',
    '```ts\nconst { start } = useBackgroundJobs()\nconst job = await start({ messages: [{ role: \'user\', content: \'Hi\' }] })\nconsole.log(job.id) // the job runs on, whatever the page does\n```',
  ].join('\n\n')
}

function echoAnswer(prompt: string, offered: Set<string>): string {
  if (/\bmarkdown\b/i.test(prompt)) return markdownAnswer()
  const intro = (`You said: “${excerpt(prompt, 200)}”. This answer comes from the built-in scripted model, so the same prompt always gets the same words. `
    + 'It streams a few characters at a time so you can watch the job run on the server: leave this page, come back later, '
    + 'and the answer is still here, finished or still growing. '
    + toolHint(offered)).trimEnd()
  if (!/\blong\b/i.test(prompt)) return intro
  const paragraphs = [intro]
  for (let index = 1; index <= 7; index++) {
    paragraphs.push(`Paragraph ${index} of the long answer. A background job keeps writing even when nobody watches: `
      + 'every piece of text becomes an event with its own sequence number, stored by the provider, '
      + 'so a tab that rejoins gets a snapshot and then the live tail, with no gap and no duplicate. '
      + 'This filler exists only to make a stream long enough to close the tab in the middle of it.')
  }
  return paragraphs.join('\n\n')
}

/** `text` on one line, cut to `maxChars`, as Markdown shows it literally (answers are Markdown). */
function excerpt(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return literal(cutTextWith(flat, maxChars, '…'))
}

const isWordChar = (char: string) => /[\p{L}\p{N}]/u.test(char)

/**
 * `text` with what Markdown would read as emphasis, strikethrough or an escape backslash-escaped, so
 * a quoted "2*3*4" or "__init__" shows as typed. A `*` or `_` between spaces ("12 * 7"), a `_`
 * inside a word ("my_var") and a single `~` cannot do that, so they stay as they are.
 */
function literal(text: string): string {
  return text.replace(/\\(?=[!-/:-@[-`{-~])|[*_~]/g, (char: string, offset: number) => {
    const before = text[offset - 1] ?? ' '
    const after = text[offset + 1] ?? ' '
    if (char === '\\') return '\\\\'
    if (char === '~' && before !== '~' && after !== '~') return char
    if (/\s/.test(before) && /\s/.test(after)) return char
    if (char === '_' && isWordChar(before) && isWordChar(after)) return char
    return `\\${char}`
  })
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) {
    if (predicate(items[index]!)) return index
  }
  return -1
}
