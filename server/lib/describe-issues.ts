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

/** The option's own type was not the value's (`expected object, received string`): none of its fields could match. */
function isWrongType(issue: IssueLike): boolean {
  return issue.code === 'invalid_type' && Array.isArray(issue.path) && issue.path.length === 0
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
  if (chosen.length !== 1) return [issue]
  return chosen[0]!.flatMap(inner => narrowedUnion({ ...inner, path: [...issue.path, ...(Array.isArray(inner.path) ? inner.path : [])] }, depth + 1))
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
