/** Zod validation errors as one readable line: the routes' 400 bodies and workflow validation use it. */

/** The part of a zod issue this needs (structural: any zod version fits). */
interface IssueLike {
  path: ReadonlyArray<PropertyKey>
  message: string
}

/**
 * One line naming every problem: `messages.0.content: must be …; model: …`. `root` names the
 * whole value when an issue has no path (`body` for a request body, `(root)` elsewhere).
 */
export function describeIssues(error: { issues: readonly IssueLike[] }, root = '(root)'): string {
  return error.issues.map(issue => `${issue.path.length > 0 ? issue.path.map(String).join('.') : root}: ${issue.message}`).join('; ')
}
