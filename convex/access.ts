/**
 * Who may call this deployment: only the layer's servers. Every public function is built with
 * `serverQuery` / `serverMutation`, which add a `secret` argument and refuse the call unless it
 * equals the deployment's `BACKGROUND_JOBS_SECRET` (set with `npx convex env set`), or while the
 * secret is rotated `BACKGROUND_JOBS_SECRET_PREVIOUS`. The cron's
 * cleanup is internal and takes no secret. See docs/decisions/009-convex-server-secret.md.
 */
import { ConvexError, v } from 'convex/values'
import type { ObjectType, PropertyValidators, Validator } from 'convex/values'
import type { RegisteredMutation, RegisteredQuery } from 'convex/server'
import { mutation, query } from './_generated/server'
import type { MutationCtx, QueryCtx } from './_generated/server'
import { MIN_SECRET_LENGTH, PREVIOUS_SECRET_VARIABLE, SECRET_VARIABLE, SERVER_SECRET_VARIABLE } from './secret'


/** The `data` of the error a refused call throws (a `ConvexError`, so production keeps it). */
export type AccessRefusal = {
  code: 'unauthorized' | 'not-configured'
  message: string
}

/** Compares in time that depends only on the lengths, so timing does not reveal a prefix. */
function sameSecret(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length
  // Past the end of `given`, charCodeAt is NaN, which `| 0` turns into 0: still a difference.
  for (let index = 0; index < expected.length; index++) difference |= (given.charCodeAt(index) | 0) ^ expected.charCodeAt(index)
  return difference === 0
}

/** Throws unless `given` is the deployment's server secret (and one is configured). */
export function assertServerSecret(given: string): void {
  // Spelled out: read from the deployment's environment at call time.
  const expected = process.env.BACKGROUND_JOBS_SECRET
  if (!expected || expected.length < MIN_SECRET_LENGTH) {
    throw new ConvexError<AccessRefusal>({
      code: 'not-configured',
      message: `This Convex deployment has no ${SECRET_VARIABLE} of at least ${MIN_SECRET_LENGTH} characters, so it refuses every call: set it with \`npx convex env set ${SECRET_VARIABLE} <secret>\` to the servers' ${SERVER_SECRET_VARIABLE}`,
    })
  }
  // During a rotation the old secret is accepted too (when it is long enough). Both are compared
  // every time, so the time taken does not tell which one matched, or whether one is set.
  const previous = process.env.BACKGROUND_JOBS_SECRET_PREVIOUS
  const hasPrevious = previous !== undefined && previous.length >= MIN_SECRET_LENGTH
  const current = sameSecret(given, expected)
  const old = sameSecret(given, hasPrevious ? previous : expected) && hasPrevious
  if (!current && !old) {
    throw new ConvexError<AccessRefusal>({
      code: 'unauthorized',
      message: `Refused: the caller's secret is not this deployment's ${SECRET_VARIABLE} (nor ${PREVIOUS_SECRET_VARIABLE}, during a rotation): check ${SERVER_SECRET_VARIABLE} on the server`,
    })
  }
}

type AnyValidator = Validator<any, any, any>

/** A server-only function's definition: like `query`/`mutation`, with `args` and `returns` required. */
interface ServerFunction<Ctx, Args extends PropertyValidators, Returns extends AnyValidator> {
  args: Args
  returns: Returns
  handler: (ctx: Ctx, args: ObjectType<Args>) => Promise<Returns['type']>
}

/** The arguments a server-only function is called with: its own, plus the secret. */
type WithSecret<Args extends PropertyValidators> = ObjectType<Args> & { secret: string }

/** Checks the secret, then runs the handler with the other arguments. */
function guarded<Ctx, Args extends PropertyValidators, Returns extends AnyValidator>(definition: ServerFunction<Ctx, Args, Returns>) {
  return {
    args: { ...definition.args, secret: v.string() },
    returns: definition.returns,
    handler: async (ctx: Ctx, { secret, ...args }: WithSecret<Args>): Promise<Returns['type']> => {
      assertServerSecret(secret)
      return await definition.handler(ctx, args as unknown as ObjectType<Args>)
    },
  }
}

/** A public query that only the servers (holding the secret) may call. */
export function serverQuery<Args extends PropertyValidators, Returns extends AnyValidator>(
  definition: ServerFunction<QueryCtx, Args, Returns>,
): RegisteredQuery<'public', WithSecret<Args>, Promise<Returns['type']>> {
  // `query` cannot infer through the generic `Args`; the cast restates what `guarded` builds.
  return query(guarded(definition) as never) as RegisteredQuery<'public', WithSecret<Args>, Promise<Returns['type']>>
}

/** A public mutation that only the servers (holding the secret) may call. */
export function serverMutation<Args extends PropertyValidators, Returns extends AnyValidator>(
  definition: ServerFunction<MutationCtx, Args, Returns>,
): RegisteredMutation<'public', WithSecret<Args>, Promise<Returns['type']>> {
  return mutation(guarded(definition) as never) as RegisteredMutation<'public', WithSecret<Args>, Promise<Returns['type']>>
}
