/**
 * Resolves the requesting user: the app's `background-jobs:resolve-user` hook first, then (when
 * `allowAnonymous` is on) the anonymous sealed cookie, else 401. A hook that throws a 4xx (the app's
 * own "sign in first") answers with it; any other throw is logged and answered 503: whose request
 * it is cannot be known, and the anonymous cookie's user would be someone else.
 */
import type { H3Event } from 'h3'
import { createError } from 'h3'
import { useNitroApp } from 'nitropack/runtime'
import type { BackgroundJobsConfig } from '../config'
import { UnauthenticatedError, UserUnresolvedError } from '../errors'
import { createFailureStreakLog } from '../failure-streak-log'
import type { UserIdProblem } from '../user-id'
import { userIdProblem } from '../user-id'
import { ANONYMOUS_USER_ID, ANONYMOUS_USER_PREFIX, anonymousUserId } from './user'
import { routeLogger } from './route-logger'
// The hook names are typed there; importing it keeps them typed in every program that sees this file.
import type {} from '../hooks'

/**
 * The hook's failures, once per outage of what it reads (the app's session store): every request
 * fails the same way until it answers again, and a line per request would bury everything else.
 */
const hookFailureLog = createFailureStreakLog({
  logger: routeLogger,
  failed: 'resolve-user hook failed; later failures are not logged until it succeeds again',
  recovered: 'resolve-user hook succeeds again',
  fields: {},
})

/** Whether the request's user is the anonymous cookie's (after `resolveUser`). */
export function isAnonymousRequest(event: H3Event): boolean {
  return event.context.backgroundJobsAnonymous === true
}

/**
 * The user the hook named, as text: a database's numeric id (`session.user.id`) is its digits — the
 * stores keep the owner as text (Redis refused a number outright: a 503 for every request), and
 * user 0 is a user, not "none". Another kind of value, or an id that cannot be a user's (blank, too
 * long, a control character), is the app's bug: a 500, logged.
 */
function namedUser(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'string') return notAnonymousId(wellShapedId(value))
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return wellShapedId(String(value))
  throw new TypeError(`The background-jobs:resolve-user hook set userId to ${typeof value === 'number' ? String(value) : typeof value === 'object' ? 'an object' : `a ${typeof value}`}: set your user's id (a string or a number), or leave it null for no user`)
}

/** The kinds of malformed id logged so far: once each per process, as the app's code makes them and a deploy fixes that. */
const malformedIdsLogged = new Set<UserIdProblem['kind']>()

/**
 * `id`, unless it cannot be a user's: blank (`' '`: every request of a session bug would be one
 * user), too long (10 kB in every key and record), or holding a control character or a lone
 * surrogate (a store refuses or changes it, or it cuts a log line). The app's bug: a 500, logged
 * once per kind of problem, without the id.
 */
function wellShapedId(id: string): string {
  const problem = userIdProblem(id)
  if (!problem) return id
  if (!malformedIdsLogged.has(problem.kind)) {
    malformedIdsLogged.add(problem.kind)
    routeLogger.error(`resolve-user hook named a user id that cannot be one (${problem.kind}; refused, 500); later ones of this kind are not logged`, {
      error: new TypeError(`The background-jobs:resolve-user hook set userId to ${problem.text}: set your user's id, or leave userId null (or '') for no user`),
    })
  }
  // Logged above: the route answers it as it is, without logging it again (http/handler.ts).
  throw createError({ statusCode: 500, message: 'Internal error' })
}

/**
 * The hook's ids in the anonymous users' shape, once per process: such an id comes from the app's
 * code (it hands on an anonymous visitor's id, or makes its own the same way), which a deploy
 * fixes, not a later request — and one user polling a stream would otherwise write a line a second.
 * So no success ends the streak: every later refusal is still a 500, just not logged again.
 */
const anonymousShapeLog = createFailureStreakLog({
  logger: routeLogger,
  failed: 'resolve-user hook named a user id in the anonymous users\' shape (refused, 500); later ones are not logged',
  recovered: '',
  fields: {},
})

/**
 * `id`, unless it has the shape of an anonymous visitor's (`anon_<session id>`, user.ts
 * ANONYMOUS_USER_ID): the user would then read, answer and delete the visitor's jobs, and the
 * visitor theirs. The app's bug: a 500, logged once (without the id). Other ids starting with
 * `anon_` (`anon_123`, `anon_alice`) are users as any.
 */
function notAnonymousId(id: string): string {
  if (!ANONYMOUS_USER_ID.test(id)) return id
  anonymousShapeLog.failed(new TypeError(`The background-jobs:resolve-user hook set userId to an id of the anonymous cookie's users' shape ("${ANONYMOUS_USER_PREFIX}" and a UUID): that user would share its jobs with an anonymous visitor. Give your users other ids (add your own prefix), or leave userId null for the anonymous user`))
  // Logged above: the route answers it as it is, without logging it again (http/handler.ts).
  throw createError({ statusCode: 500, message: 'Internal error' })
}

/** Returns the user id for this request (cached on the event). */
export async function resolveUser(event: H3Event, config: BackgroundJobsConfig): Promise<string> {
  const cached = event.context.backgroundJobsUserId as string | undefined
  if (cached) return cached
  const context: { event: H3Event, userId: string | number | null } = { event, userId: null }
  try {
    await useNitroApp().hooks.callHook('background-jobs:resolve-user', context)
  }
  catch (error) {
    // The app's own answer (a 401 of `requireUserSession`, a 403) goes to the client as it is.
    const status = (error as { statusCode?: unknown } | null)?.statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) throw error
    hookFailureLog.failed(error)
    throw new UserUnresolvedError({ cause: error })
  }
  hookFailureLog.succeeded()
  const named = namedUser(context.userId)
  if (!named && !config.allowAnonymous) throw new UnauthenticatedError()
  const userId = named || await anonymousUserId(event, config.cookieSecret, config.cookieSecretPrevious)
  event.context.backgroundJobsUserId = userId
  event.context.backgroundJobsAnonymous = !named
  return userId
}
