/**
 * Only the servers may call the deployment: every public function takes the secret and refuses a
 * call without it, with a wrong one, or when the deployment has none configured; nothing is read
 * back or written for a refused call. Retention is internal (the cron's), and appends need the
 * writer's epoch.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FunctionReference } from 'convex/server'
import { api, internal } from '../../convex/_generated/api'
import { MIN_SECRET_LENGTH } from '../../convex/secret'
import { ConvexAccessError, createConvexProvider } from '../../server/lib/providers/convex'
import { startFailureOf } from '../../server/lib/start-failure'
import { createConvexTestFacade, type ConvexTestBackend } from '../../server/lib/providers/convex-test-facade'
import { createBackend, createInstance, newJob, statusEvent, TEST_SECRET, type Backend } from './backend'
import { convexModules, deployedModule, registeredFunctions } from './deployed-modules'

type Call = { kind: 'query' | 'mutation', reference: FunctionReference<'query' | 'mutation'>, args: Record<string, unknown> }

/** A valid call of every public function (job `job-x` exists in the backend). */
const CALLS: Record<string, Call> = {
  'jobs:create': { kind: 'mutation', reference: api.jobs.create, args: { jobId: 'job-new', userId: 'user-1', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', requestJson: '{}', createdAt: 1 } },
  'jobs:get': { kind: 'query', reference: api.jobs.get, args: { jobId: 'job-x' } },
  'jobs:getHead': { kind: 'query', reference: api.jobs.getHead, args: { jobId: 'job-x' } },
  'jobs:getListed': { kind: 'query', reference: api.jobs.getListed, args: { jobId: 'job-x' } },
  'jobs:list': { kind: 'query', reference: api.jobs.list, args: { userId: 'user-1' } },
  'jobPages:page': { kind: 'query', reference: api.jobPages.page, args: { userId: 'user-1' } },
  'jobs:countActive': { kind: 'query', reference: api.jobs.countActive, args: {} },
  'events:appendEvents': { kind: 'mutation', reference: api.events.appendEvents, args: { jobId: 'job-x', epoch: 1, batches: [JSON.stringify([statusEvent(1, 'running')])] } },
  'events:readEvents': { kind: 'query', reference: api.events.readEvents, args: { jobId: 'job-x', afterSeq: 0 } },
  'leases:claimLease': { kind: 'mutation', reference: api.leases.claimLease, args: { jobId: 'job-x', instanceId: 'thief', leaseMs: 60_000 } },
  'leases:heartbeatLease': { kind: 'mutation', reference: api.leases.heartbeatLease, args: { jobId: 'job-x', lease: { instanceId: 'writer', epoch: 1, expiresAt: 1 }, leaseMs: 60_000 } },
  'leases:listExpiredLeases': { kind: 'query', reference: api.leases.listExpiredLeases, args: {} },
  'leases:heartbeatInstance': { kind: 'mutation', reference: api.leases.heartbeatInstance, args: { instanceId: 'intruder', ttlMs: 60_000 } },
  'leases:clusterLoad': { kind: 'query', reference: api.leases.clusterLoad, args: {} },
  'health:check': { kind: 'query', reference: api.health.check, args: {} },
  'controls:send': { kind: 'mutation', reference: api.controls.send, args: { jobId: 'job-x', type: 'abort', userId: 'user-1' } },
  'controls:readControls': { kind: 'query', reference: api.controls.readControls, args: { jobId: 'job-x', afterNumber: 0 } },
  'controls:reply': { kind: 'mutation', reference: api.controls.reply, args: { jobId: 'job-x', controlId: 'none', replyJson: '{"ok":true}' } },
  'controls:readReply': { kind: 'query', reference: api.controls.readReply, args: { jobId: 'job-x', controlId: 'none' } },
  'feed:userChanges': { kind: 'query', reference: api.feed.userChanges, args: { userId: 'user-1', afterChangedAt: 0 } },
  'rates:take': { kind: 'mutation', reference: api.rates.take, args: { key: 'create:user-1', limit: 5, windowMs: 60_000 } },
  'deletion:deleteJob': { kind: 'mutation', reference: api.deletion.deleteJob, args: { jobId: 'job-x' } },
  'deletion:recordLost': { kind: 'mutation', reference: api.deletion.recordLost, args: { userId: 'user-1', jobId: 'job-x', threadId: null } },
  'threads:listThreads': { kind: 'query', reference: api.threads.listThreads, args: { userId: 'user-1', limit: 10 } },
  'threads:renameThread': { kind: 'mutation', reference: api.threads.renameThread, args: { userId: 'user-1', threadId: 't-1', title: 'Named' } },
}

function call(backend: Backend, entry: Call, args: Record<string, unknown>) {
  return entry.kind === 'query'
    ? backend.query(entry.reference as FunctionReference<'query'>, args as never)
    : backend.mutation(entry.reference as FunctionReference<'mutation'>, args as never)
}

/** Everything the deployment stores, to prove a refused call changed nothing. */
function everything(backend: Backend) {
  return backend.run(async ctx => ({
    jobs: await ctx.db.query('jobs').collect(),
    eventBatches: await ctx.db.query('eventBatches').collect(),
    controls: await ctx.db.query('controls').collect(),
    rateHits: await ctx.db.query('rateHits').collect(),
    instances: await ctx.db.query('instances').collect(),
    threads: await ctx.db.query('threads').collect(),
  }))
}

async function backendWithJob() {
  const backend = createBackend()
  await createInstance(backend).provider.create(newJob({ id: 'job-x', userId: 'user-1' }))
  return backend
}

describe('who may call the Convex functions', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('has exactly these public functions, each taking the secret; cleanup is internal', () => {
    const functions = registeredFunctions()
    const publicNames = [...functions].filter(([, fn]) => fn.isPublic).map(([name]) => name).sort()
    expect(publicNames).toEqual(Object.keys(CALLS).sort())
    for (const name of publicNames) {
      const args = JSON.parse(functions.get(name)!.exportArgs()) as { type: string, value: Record<string, { fieldType: { type: string }, optional: boolean }> }
      expect(args.value.secret, name).toEqual({ fieldType: { type: 'string' }, optional: false })
    }
    for (const name of ['cleanup:deleteExpired', 'cleanup:deleteExpiredJobs', 'threads:backfillThreads']) expect(functions.get(name)?.isInternal, name).toBe(true)
    // An HTTP action is served at the deployment's public …convex.site address to anyone, with no
    // secret argument to check: the layer deploys none (convex/http.ts's router would be one).
    const http = [...functions].filter(([, fn]) => fn.isHttp || fn.isRouter).map(([name]) => name)
    expect(http, 'HTTP actions are public with no secret: guard one before deploying it').toEqual([])
  })

  it('finds a function wherever the CLI would deploy it, and only there', () => {
    expect(Object.keys(convexModules).length).toBeGreaterThan(10)
    expect(deployedModule('../../convex/jobs.ts')).toBe('jobs')
    expect(deployedModule('../../convex/admin/peek.ts')).toBe('admin/peek')
    expect(deployedModule('../../convex/peek.js')).toBe('peek')
    for (const skipped of ['schema.ts', 'jobs.test.ts', 'auth.config.ts', '.hidden.ts', '#jobs.ts#', 'my jobs.ts']) expect(deployedModule(`../../convex/${skipped}`), skipped).toBeNull()
  })

  it.each(Object.keys(CALLS))('%s refuses a call without the secret, with a wrong one, or when the deployment has none', async (name) => {
    const backend = await backendWithJob()
    const entry = CALLS[name]!
    const before = await everything(backend)

    await expect(call(backend, entry, entry.args)).rejects.toThrow(/secret/)
    await expect(call(backend, entry, { ...entry.args, secret: `${TEST_SECRET}x` })).rejects.toThrow(/Refused: the caller's secret is not this deployment's BACKGROUND_JOBS_SECRET/)
    await expect(call(backend, entry, { ...entry.args, secret: '' })).rejects.toThrow(/Refused/)
    vi.stubEnv('BACKGROUND_JOBS_SECRET', '')
    await expect(call(backend, entry, { ...entry.args, secret: '' })).rejects.toThrow(/has no BACKGROUND_JOBS_SECRET/)
    vi.stubEnv('BACKGROUND_JOBS_SECRET', 'x'.repeat(MIN_SECRET_LENGTH - 1))
    await expect(call(backend, entry, { ...entry.args, secret: 'x'.repeat(MIN_SECRET_LENGTH - 1) })).rejects.toThrow(/has no BACKGROUND_JOBS_SECRET of at least 32 characters/)
    expect(await everything(backend)).toEqual(before)

    // The same call with the secret goes through: the refusals above were about the secret alone.
    vi.unstubAllEnvs()
    await expect(call(backend, entry, { ...entry.args, secret: TEST_SECRET })).resolves.not.toThrow()
  })

  it('refuses an append without an epoch, and any append to a job nobody holds a lease on', async () => {
    const backend = await backendWithJob()
    const batches = [JSON.stringify([statusEvent(1, 'running')])]
    await expect(backend.mutation(api.events.appendEvents, { secret: TEST_SECRET, jobId: 'job-x', batches } as never)).rejects.toThrow(/epoch/)
    const { provider } = createInstance(backend)
    await expect(provider.appendEvents('job-x', [statusEvent(1, 'running')])).rejects.toThrow(/appendEvents needs \{ epoch \}/)
    const unleased = newJob({ lease: null })
    await provider.create(unleased)
    expect(await provider.appendEvents(unleased.id, [statusEvent(1, 'running')], { epoch: 1 })).toEqual({ ok: false, reason: 'stale-epoch', lastSeq: 0 })
    expect((await everything(backend)).eventBatches).toEqual([])
  })

  it('rotates the secret without refusing the servers still on the old one: BACKGROUND_JOBS_SECRET_PREVIOUS is accepted too, until it is unset', async () => {
    const backend = await backendWithJob()
    const next = 'next-secret-0123456789abcdef0123456789'
    const on = (secret: string) => createConvexProvider({ facade: createConvexTestFacade(backend as unknown as ConvexTestBackend, secret) })
    vi.stubEnv('BACKGROUND_JOBS_SECRET', next)
    vi.stubEnv('BACKGROUND_JOBS_SECRET_PREVIOUS', TEST_SECRET)
    // Mid-rotation: servers on either secret go on working; anything else is still refused.
    expect((await on(TEST_SECRET).get('job-x'))?.id).toBe('job-x')
    expect((await on(next).get('job-x'))?.id).toBe('job-x')
    await expect(on(`${next}x`).get('job-x')).rejects.toBeInstanceOf(ConvexAccessError)
    // A previous secret too short to be one is never accepted.
    vi.stubEnv('BACKGROUND_JOBS_SECRET_PREVIOUS', 'short')
    await expect(on('short').get('job-x')).rejects.toBeInstanceOf(ConvexAccessError)
    // Rotation done: the old secret is refused.
    vi.stubEnv('BACKGROUND_JOBS_SECRET_PREVIOUS', undefined)
    await expect(on(TEST_SECRET).get('job-x')).rejects.toThrow(/BACKGROUND_JOBS_SECRET_PREVIOUS/)
    expect((await on(next).get('job-x'))?.id).toBe('job-x')
  })

  it('turns a refused secret into an error naming both settings, without the secret in it', async () => {
    const backend = await backendWithJob()
    const wrong = 'wrong-secret-0123456789abcdef0123456789'
    const provider = createConvexProvider({ facade: createConvexTestFacade(backend as unknown as ConvexTestBackend, wrong) })
    const failure = await provider.get('job-x').catch((error: unknown) => error as Error)
    expect(failure).toBeInstanceOf(ConvexAccessError)
    expect((failure as Error).message).toMatch(/BACKGROUND_JOBS_SECRET .*NUXT_BACKGROUND_JOBS_CONVEX_SECRET/)
    // At boot it is a refused login, as a wrong Redis password: the health route says `failed`.
    const bootFailure = await provider.ready!().catch((error: unknown) => error)
    expect(startFailureOf(bootFailure)).toEqual({ reason: 'store-auth-refused', failed: true })
    expect(String((bootFailure as Error).message)).not.toContain(wrong)
    // An argument error quotes the arguments: the facade scrubs the secret out of it.
    const invalid = await provider.list({ userId: 'user-1', limit: 'ten' as unknown as number }).catch((error: unknown) => error as Error)
    expect(String((invalid as Error).message)).not.toContain(wrong)
    expect(String((invalid as Error).stack)).not.toContain(wrong)
  })
})
