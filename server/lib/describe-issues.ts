/** Zod validation errors as one readable line: the routes' 400 bodies and workflow validation use it. */
import { shownInput } from './shown-input'

/** The part of a zod issue this needs (structural: any zod version fits). */
interface IssueLike {
  path: ReadonlyArray<PropertyKey>
  message: string
  code?: string
  params?: Record<string, unknown>
  /** An `invalid_union`'s problems with each option (their paths relative to the union's). */
  errors?: unknown
  /** An `invalid_type`'s type (`string`). */
  expected?: unknown
  /** An `invalid_value`'s values. */
  values?: unknown
}

/**
 * The most problems one line names; past it the rest are counted. A body of thousands of wrong
 * values (the AI SDK route takes any number of messages) must not come back as megabytes of error.
 */
export const MAX_DESCRIBED_ISSUES = 10

/**
 * The longest message of one problem shown whole. zod quotes a client's keys in some (a strict
 * object's `Unrecognized key: "…"`), as a path names a record's: both are cut past their bound
 * (shown-input.ts), the path at 200 characters, so a 100 KB key does not come back whole.
 */
const MAX_ISSUE_MESSAGE_CHARS = 1000

/**
 * The issue a check that stopped early leaves where it stopped (bounded-list.ts): past it nothing
 * was checked, so the count of further problems is a lower bound.
 */
export function checkStopped() {
  return { code: 'custom' as const, message: 'not checked further', params: { checkStopped: true } }
}

function isStopMark(issue: IssueLike): boolean {
  return issue.code === 'custom' && issue.params?.checkStopped === true
}

/**
 * One line naming every problem: `messages.0.content: must be …; model: …` (the first
 * `MAX_DESCRIBED_ISSUES`, then `and N more problems`, or `and at least N more problems (not all
 * checked)` when a check stopped early). `root` names the whole value when an issue
 * has no path (`body` for a request body, `(root)` elsewhere). With `underRoot`, every field's path
 * starts with `root` too (`answer.approved`, `answer` for the whole answer): a field that is itself
 * named `answer` then reads `answer.answer`, never like the whole value.
 */
export function describeIssues(error: { issues: readonly IssueLike[] }, root = '(root)', underRoot = false): string {
  const stopped = error.issues.some(isStopMark)
  const issues = withoutFollowUps((stopped ? error.issues.filter(issue => !isStopMark(issue)) : error.issues).flatMap(issue => narrowedUnion(issue)))
  const pathOf = (issue: IssueLike) => issue.path.length === 0 ? root : shownInput((underRoot ? [root, ...issue.path.map(String)] : issue.path.map(String)).join('.'))
  const named = issues.slice(0, MAX_DESCRIBED_ISSUES).map(issue => `${pathOf(issue)}: ${shownInput(issue.message, MAX_ISSUE_MESSAGE_CHARS)}`)
  const more = issues.length - named.length
  if (stopped) named.push(`and at least ${more} more problem${more === 1 ? '' : 's'} (not all checked)`)
  else if (more > 0) named.push(`and ${more} more problem${more === 1 ? '' : 's'}`)
  return named.join('; ')
}

/**
 * The option's own type was not the value's (`expected object, received string`): none of its
 * fields could match. So for an option that is itself a union none of whose options is the value's type.
 */
function isWrongType(issue: IssueLike, depth = 0): boolean {
  if (!Array.isArray(issue.path) || issue.path.length !== 0) return false
  if (issue.code === 'invalid_type') return true
  return issue.code === 'invalid_union' && depth < MAX_UNION_DEPTH && Array.isArray(issue.errors) && issue.errors.length > 0
    && (issue.errors as unknown[]).every(option => Array.isArray(option) && option.length > 0 && option.every(inner => isWrongType(inner as IssueLike, depth + 1)))
}

/** Unions inside unions are followed this deep at most. */
const MAX_UNION_DEPTH = 8

/**
 * A union no option took is one issue at the union, `Invalid input`, naming no field: for an
 * answer `approve | reject with a reason`, `{ approved: false }` read `(root): Invalid input`. When
 * exactly one option failed on no literal or enum value (its tags matched; every other option's
 * did not), its problems are the ones named, under the union's path; otherwise the issue as it is.
 * An option the value is not even the type of (an object option given a string) matched no tag:
 * `'aprove'` for `'approve' | { approved: false, reason }` is not "expected object".
 */
function narrowedUnion(issue: IssueLike, depth = 0): IssueLike[] {
  if (issue.code !== 'invalid_union' || !Array.isArray(issue.errors) || depth >= MAX_UNION_DEPTH) return [issue]
  const options = (issue.errors as unknown[]).filter((option): option is IssueLike[] => Array.isArray(option) && option.length > 0)
  if (options.length !== issue.errors.length) return [issue]
  const chosen = options.filter(option => !option.some(inner => inner.code === 'invalid_value' || isWrongType(inner)))
  if (chosen.length !== 1) return [optionsExpected(issue, options) ?? issue]
  return chosen[0]!.flatMap(inner => narrowedUnion({ ...inner, path: [...issue.path, ...(Array.isArray(inner.path) ? inner.path : [])] }, depth + 1))
}

/**
 * A union of plain types or values no option took (`z.union([z.string(), z.number()])` given
 * `true`, `'approve' | { … }` given `'aprove'`) as one issue saying what it takes: `Invalid input:
 * expected string | number, received boolean`, not only `Invalid input`, which left a model that
 * sent a tool's arguments, or a client, to guess. Undefined when an option failed otherwise.
 */
function optionsExpected(issue: IssueLike, options: readonly IssueLike[][]): IssueLike | undefined {
  // No option's problems to read (zod's discriminated union given an unknown tag, `z.xor` with
  // more than one option matching): its own message says it all.
  if (options.length === 0) return undefined
  const atUnion = options.map(option => option.length === 1 && option[0]!.path.length === 0 ? option[0]! : undefined)
  const expected = atUnion.map(inner => expectedOf(inner))
  if (expected.some(text => text === undefined)) return undefined
  const received = atUnion.map(inner => RECEIVED.exec(inner!.message)?.[1]).find(Boolean)
  return { ...issue, message: `${issue.message}: expected ${[...new Set(expected)].join(' | ')}${received ? `, received ${received}` : ''}` }
}

/** zod 4's `…, received boolean` at the end of a wrong type's message. */
const RECEIVED = /, received (\w+)$/

/** What one option of a union takes: its type (`string`) or its values (`"approve"`). */
function expectedOf(issue: IssueLike | undefined): string | undefined {
  if (issue?.code === 'invalid_type' && typeof issue.expected === 'string') return issue.expected
  const values = issue?.values
  if (issue?.code === 'invalid_value' && Array.isArray(values) && values.length > 0) return values.map(value => typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value)).join(' | ')
  return undefined
}

/**
 * The issues without those on a value already reported as the wrong type: zod 4 still runs a
 * string's length checks on a list given in its place (`threadId: expected string, received
 * array; threadId: Too big: expected array to have <=200 items`), a limit of a list the field
 * cannot be.
 */
function withoutFollowUps(issues: readonly IssueLike[]): readonly IssueLike[] {
  const wrongType = new Set<string>()
  return issues.filter((issue) => {
    const path = issue.path.map(String).join('.')
    if (wrongType.has(path)) return false
    if (issue.code === 'invalid_type') wrongType.add(path)
    return true
  })
}
