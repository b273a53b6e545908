/**
 * A per-user budget of the work that refused values cost this instance. A workflow's input schema
 * and an input node's answer schema are the app's: zod makes one issue per wrong item, and a body
 * of many wrong items within `limits.maxBodyBytes` (130,000 numbers for `z.array(z.string())`)
 * costs a few hundred milliseconds to a second of work, while a valid body of the same size costs
 * a few. The rate limits count such requests (`createPerMinute`, `inputPerMinute`), but at 60 or
 * 120 a minute one user could still keep the event loop busy. So the issues of the values a user
 * sent that were refused are counted per minute on the instance that checked them; past
 * `VALIDATION_ISSUES_PER_MINUTE`, that user's next values are refused (429) before they are checked,
 * until the minute is over. A user who sends a few wrong answers never comes near it.
 */
import { RateLimitError } from './errors'

/** Issues of refused values one user may cost an instance per minute before its next are refused unchecked. */
export const VALIDATION_ISSUES_PER_MINUTE = 10_000

/** The window the budget counts over. */
const WINDOW_MS = 60_000

/** Users remembered at most (the oldest windows go first past it). */
const MAX_USERS = 10_000

/** The issue count a refusal carries (set where the schema ran). */
const ISSUES = Symbol('issues')

/** Marks `error` (a refusal of a value) with how many issues its check found. */
export function withIssueCount<E extends Error>(error: E, issues: number): E {
  Object.defineProperty(error, ISSUES, { value: issues, enumerable: false })
  return error
}

/** The issues a refusal's check found (0 when it carries none). */
export function issueCountOf(error: unknown): number {
  const issues = error instanceof Error ? (error as unknown as Record<symbol, unknown>)[ISSUES] : undefined
  return typeof issues === 'number' ? issues : 0
}

/** Creates a budget (`now` for tests). */
export function createValidationBudget(now: () => number = () => Date.now(), perMinute = VALIDATION_ISSUES_PER_MINUTE) {
  const windows = new Map<string, { startedAt: number, issues: number }>()

  function current(userId: string, at: number) {
    const window = windows.get(userId)
    if (!window || at - window.startedAt >= WINDOW_MS || at < window.startedAt) return null
    return window
  }

  return {
    /** Throws the 429 when `userId`'s refused values of this minute found over `perMinute` issues (as its message says). */
    assertRoom(userId: string): void {
      const at = now()
      const window = current(userId, at)
      if (!window || window.issues <= perMinute) return
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - at) / 1000))
      throw new RateLimitError(`Too many problems in refused values: the values you sent in the last minute had over ${perMinute} problems; fix them and retry in ${retryAfterSeconds} s`, retryAfterSeconds, 'refusedValueProblems')
    },
    /** Counts the issues of a refused value of `userId`. */
    spend(userId: string, issues: number): void {
      if (issues <= 0) return
      const at = now()
      const window = current(userId, at)
      if (window) {
        window.issues += issues
        return
      }
      windows.delete(userId)
      if (windows.size >= MAX_USERS) {
        // Windows are kept in the order they started (a new one goes last): the expired are first.
        for (const [key, each] of windows) {
          if (at - each.startedAt < WINDOW_MS && at >= each.startedAt) break
          windows.delete(key)
        }
        while (windows.size >= MAX_USERS) windows.delete(windows.keys().next().value!)
      }
      windows.set(userId, { startedAt: at, issues })
    },
    /** Users with a window (tests). */
    get size() {
      return windows.size
    },
  }
}

/** A validation budget. */
export type ValidationBudget = ReturnType<typeof createValidationBudget>

let processBudget: ValidationBudget | null = null

/** The budget of this process (the CPU it protects is the process's). */
export function useValidationBudget(): ValidationBudget {
  processBudget ??= createValidationBudget()
  return processBudget
}
