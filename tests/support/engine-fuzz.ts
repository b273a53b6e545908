/**
 * One fuzz scenario: a seeded random interleaving of jobs (chats and workflows), viewers that
 * attach (fresh, resuming, with a future, stale-epoch or old position), stall, drain and detach,
 * aborts, answers (valid, invalid, duplicate, late), store faults, time, cleanup and shutdown —
 * then the invariants of docs/architecture.md, checked after every step and at the end. Returns
 * every violation found (empty: the seed passed).
 */
import { vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { ConcurrencyLimitError, InputConflictError, InvalidAnswerError, JobNotFoundError, ShuttingDownError } from '../../server/lib/errors'
import { unusedModel } from './engine-harness'
import type { FuzzClient } from './fuzz-client'
import { createFuzzClient } from './fuzz-client'
import type { ModelRecord } from './fuzz-model'
import { createScriptModel, randomScript } from './fuzz-model'
import { createRandom } from './fuzz-random'
import type { FuzzWorld } from './fuzz-world'
import { createFuzzWorld, FUZZ_WORKFLOWS, InjectedFault } from './fuzz-world'

const USERS = ['u1', 'u2'] as const
/** Longer than a few retry delays of the write-behind queue (RETRY_MAX_DELAY_MS). */
const RETENTION_MS = 20_000

interface FuzzJob {
  id: string
  userId: string
  type: 'chat' | 'workflow'
  createdAt: number
  model?: ModelRecord
  answered: string[]
}

/** Runs the scenario of `seed` with `steps` random steps. */
export async function runEngineFuzz(seed: number, steps: number): Promise<string[]> {
  const random = createRandom(seed)
  const violations: string[] = []
  const world: FuzzWorld = createFuzzWorld(random, {
    stream: { batchWindowMs: random.pick([0, 50, 50, 50]) },
    limits: {
      jobTimeoutMs: random.pick([1_500, 8_000, 30_000]),
      inputTimeoutMs: 3_000,
      retentionMs: RETENTION_MS,
      cleanupIntervalMs: 1_000,
      maxConcurrentJobs: 100,
      maxConcurrentJobsPerUser: random.pick([3, 100]),
    },
  })
  const { engine, store, faults } = world
  const jobs: FuzzJob[] = []
  const clients: FuzzClient[] = []
  const pending: Promise<void>[] = []
  let disposed = false
  /** Set when shutdown starts: writes still waiting for the store are given up from then on. */
  let disposing = false
  let storeHealthyAtDispose = true
  const log = (step: number, text: string) => violations.push(`step ${step}: ${text}${disposed ? ` (after shutdown; store healthy then: ${storeHealthyAtDispose})` : ''}`)
  const trace = (text: string) => {
    if (process.env.FUZZ_TRACE) process.stdout.write(`  ${text}\n`)
  }

  /** Tracks a call that may settle later; only the errors in `allowed` are expected. */
  function track(step: number, what: string, promise: Promise<unknown>, allowed: Array<new (...args: never[]) => Error>) {
    pending.push(promise.then(() => {}, (error: unknown) => {
      if (!allowed.some(type => error instanceof type)) log(step, `${what} threw ${(error as Error)?.name}: ${(error as Error)?.message}`)
    }))
  }

  // The JSON of each appended log, made once: every append stores a new array (fuzz-world.ts) of
  // clones nothing changes, while the provider's log is read and compared after every step.
  const appendedJson = new WeakMap<JobEvent[], string>()
  const jsonOfAppended = (appended: JobEvent[]) => {
    let json = appendedJson.get(appended)
    if (json === undefined) appendedJson.set(appended, json = JSON.stringify(appended))
    return json
  }

  async function storedEvents(jobId: string): Promise<JobEvent[] | null> {
    const held = await store.readEvents(jobId, 0)
    const appended = world.storedLogs.get(jobId) ?? []
    if (held && JSON.stringify(held.events) !== jsonOfAppended(appended)) violations.push(`job ${jobId}: the provider holds ${held.events.length} events, ${appended.length} were appended`)
    return appended
  }

  /** The fields of two states that differ, shortly. */
  function differences(actual: JobState, expected: JobState): string {
    const keys = Object.keys({ ...actual, ...expected }) as Array<keyof JobState>
    return keys.filter(key => JSON.stringify(actual[key]) !== JSON.stringify(expected[key])).map(key => `${key}: ${JSON.stringify(actual[key])?.slice(0, 160)} vs stored ${JSON.stringify(expected[key])?.slice(0, 160)}`).join('; ')
  }

  /** A browser's EventSource reconnects with its id when the server ends the stream before the job-end. */
  async function reconnect(step: number) {
    if (disposed) return
    for (const client of clients) {
      const last = client.connections.at(-1)
      if (!last || !last.closed || last.detached || !last.open || (client.state && isTerminalStatus(client.state.status))) continue
      const connection = client.connect()
      trace(`reconnect client ${clients.indexOf(client)} after ${JSON.stringify(client.position())}`)
      try {
        const attachment = await engine.attachViewer(client.userId, client.jobId, connection, client.position())
        connection.detach = attachment.detach
        connection.open = attachment.open
      }
      catch (error) {
        connection.open = false
        if (!(error instanceof JobNotFoundError)) log(step, `reconnect threw ${(error as Error).name}: ${(error as Error).message}`)
      }
    }
  }

  const baseOf = (job: FuzzJob): JobState => createJobState({ id: job.id, type: job.type, createdAt: job.createdAt })

  async function checkLogs(step: number) {
    for (const job of jobs) {
      const events = await storedEvents(job.id)
      if (!events) continue
      events.forEach((event, index) => {
        if ((event.fromSeq ?? event.seq) !== index + 1) log(step, `job #${jobs.indexOf(job)} (${job.id}): stored event ${index} has seq ${event.seq}`)
        if (event.type === 'job-end' && index !== events.length - 1) log(step, `job #${jobs.indexOf(job)} (${job.id}): events stored after job-end`)
      })
      const ends = events.filter(event => event.type === 'job-end').length
      if (ends > 1) log(step, `job #${jobs.indexOf(job)} (${job.id}): ${ends} job-end events`)
      for (const client of clients.filter(each => each.jobId === job.id)) {
        if (client.state && isTerminalStatus(client.state.status) && ends === 0) log(step, `job #${jobs.indexOf(job)} (${job.id}): a viewer saw the end before it was stored`)
      }
    }
    for (const client of clients) {
      for (const violation of client.violations.splice(0)) log(step, violation)
    }
  }

  async function attach(step: number) {
    const job = random.pick(jobs)
    const stranger = random.chance(0.05)
    const client = random.chance(0.5) ? clients.find(each => each.jobId === job.id && each.connections.every(connection => connection.closed || connection.detached || !connection.open)) : undefined
    const viewer = client ?? createFuzzClient(job.id, job.userId, `seed ${seed} viewer ${clients.length}`)
    if (!client) clients.push(viewer)
    const mode = random.weighted({ resume: 5, fresh: 2, future: 1, staleEpoch: 1, old: 1 })
    let after = viewer.position()
    if (mode === 'fresh') after = null
    // Far past any job's end: a position the server never issued.
    if (mode === 'future') after = { epoch: 1, seq: 100_000 + random.int(1, 40) }
    if (mode === 'staleEpoch') after = { epoch: random.int(2, 3), seq: random.int(1, Math.max(1, after?.seq ?? 1)) }
    if (mode === 'old') {
      const events = await storedEvents(job.id)
      if (!events) return
      const seq = random.int(0, events.length)
      viewer.state = reduceEvents(baseOf(job), events.slice(0, seq))
      after = { epoch: 1, seq }
    }
    else if (mode !== 'resume') viewer.state = null
    const connection = viewer.connect()
    trace(`attach ${mode} job ${jobs.indexOf(job)} client ${clients.indexOf(viewer)} after ${JSON.stringify(after)} state ${viewer.state?.seq}`)
    try {
      const attachment = await engine.attachViewer(stranger ? (job.userId === 'u1' ? 'u2' : 'u1') : job.userId, job.id, connection, after)
      if (stranger) log(step, `job #${jobs.indexOf(job)} (${job.id}): another user attached`)
      connection.detach = attachment.detach
      connection.open = attachment.open
      trace(`attached open ${attachment.open}, state ${viewer.state?.seq}`)
    }
    catch (error) {
      connection.open = false
      if (!(error instanceof JobNotFoundError) && !(error instanceof ShuttingDownError)) log(step, `attach threw ${(error as Error).name}: ${(error as Error).message}`)
    }
  }

  async function answer(step: number) {
    const job = random.pick(jobs)
    let state: JobState | null = null
    try {
      state = (await engine.getJob(job.userId, job.id)).state
    }
    catch (error) {
      if (!(error instanceof JobNotFoundError)) log(step, `getJob threw ${(error as Error).name}`)
    }
    const open = state?.pendingInputs ?? []
    const kind = random.weighted({ valid: 5, invalid: 2, duplicate: 1, unknown: 1 })
    let requestId = open.length > 0 ? random.pick(open).requestId : (job.answered.at(-1) ?? 'no-such-request')
    if (kind === 'duplicate' && job.answered.length > 0) requestId = random.pick(job.answered)
    if (kind === 'unknown') requestId = `unknown-${step}`
    const isApproval = open.find(input => input.requestId === requestId)?.kind === 'tool-approval'
    const value = kind === 'invalid' ? { ok: 'maybe', approved: 'perhaps' } : isApproval ? random.pick(['approve', 'deny', true, false]) : { ok: random.chance(0.5) }
    // The reply waits until the answer is stored, which a store that is down holds back while
    // the fuzz moves time on: settled with the other pending calls.
    pending.push(engine.answerInput(job.userId, job.id, { requestId, answer: value }).then(() => {
      if (kind === 'invalid') log(step, `job #${jobs.indexOf(job)} (${job.id}): an invalid answer was accepted`)
      job.answered.push(requestId)
    }, (error: unknown) => {
      if (!(error instanceof InvalidAnswerError || error instanceof InputConflictError || error instanceof JobNotFoundError)) log(step, `answer threw ${(error as Error).name}: ${(error as Error).message}`)
    }))
  }

  async function create(step: number) {
    const userId = random.pick(USERS)
    const chat = random.chance(0.7)
    const model: ModelRecord = { yielded: '', confirmed: '' }
    if (chat) world.setNextModel(createScriptModel(randomScript(random), model))
    const request = chat
      ? { type: 'chat' as const, messages: [{ role: 'user' as const, content: `job ${jobs.length}` }], ...(random.chance(0.8) ? {} : { tools: ['echo'] }) }
      : { type: 'workflow' as const, workflow: random.pick(FUZZ_WORKFLOWS), input: {} }
    const idempotencyKey = random.chance(0.2) ? `key-${random.int(1, 3)}` : null
    try {
      const createdAt = Date.now()
      const { job, created } = await engine.createJob(userId, { request, idempotencyKey })
      if (created) jobs.push({ id: job.id, userId, type: request.type, createdAt, ...(chat ? { model } : {}), answered: [] })
      else if (!jobs.some(each => each.id === job.id && each.userId === userId)) log(step, `an idempotent retry returned job ${job.id}, not one of the user's`)
    }
    catch (error) {
      if (!(error instanceof ShuttingDownError || error instanceof ConcurrencyLimitError)) log(step, `createJob threw ${(error as Error).name}: ${(error as Error).message}`)
    }
    world.setNextModel(unusedModel)
  }

  async function dispose() {
    storeHealthyAtDispose = !faults.down && faults.failRate === 0 && faults.lostReplyRate === 0
    disposing = true
    let settled = false
    const done = engine.dispose().then(() => {
      settled = true
    })
    for (let round = 0; round < 200 && !settled; round++) await vi.advanceTimersByTimeAsync(500)
    await done
    disposed = true
  }

  for (let step = 0; step < steps && !disposed; step++) {
    const operation = jobs.length === 0
      ? 'create'
      : random.weighted({ create: 3, attach: 5, detach: 2, stall: 1, drain: 2, abort: 1, answer: 3, store: 1, time: 8, read: 1, cleanup: 1, dispose: 0.15 })
    if (process.env.FUZZ_TRACE) process.stdout.write(`step ${step}: ${operation} (jobs ${jobs.length}, t=${Date.now()})\n`)
    switch (operation) {
      case 'create':
        await create(step)
        break
      case 'attach':
        await attach(step)
        break
      case 'detach':
      case 'stall':
      case 'drain': {
        const connections = clients.flatMap(client => client.connections).filter(each => each.open && !each.closed && !each.detached)
        if (connections.length === 0) break
        const connection = random.pick(connections)
        if (operation === 'detach') {
          connection.detached = true
          connection.detach()
        }
        else if (operation === 'stall') connection.stalled = true
        else connection.drain()
        break
      }
      case 'abort': {
        const job = random.pick(jobs)
        // Abort answers once the job's end is stored: whatever ended it, it has ended then.
        track(step, `abort of ${job.id}`, engine.abortJob(job.userId, job.id).then((summary) => {
          if (!isTerminalStatus(summary.status) && !(disposing && !storeHealthyAtDispose)) log(step, `job #${jobs.indexOf(job)}: abort answered with status ${summary.status}`)
        }), [JobNotFoundError])
        break
      }
      case 'answer':
        await answer(step)
        break
      case 'store':
        faults.down = random.chance(0.3)
        faults.failRate = random.pick([0, 0, 0.2, 0.5])
        faults.lostReplyRate = random.pick([0, 0, 0.2])
        break
      case 'time':
        await vi.advanceTimersByTimeAsync(random.pick([0, 1, 10, 49, 50, 51, 120, 400, 1_000, 2_500]))
        break
      case 'read': {
        const job = random.pick(jobs)
        track(step, `read of ${job.id}`, engine.getJob(job.userId, job.id), [JobNotFoundError])
        track(step, 'list', engine.listJobs(job.userId), [])
        break
      }
      case 'cleanup':
        track(step, 'cleanup', engine.cleanup(), [InjectedFault])
        break
      case 'dispose':
        await dispose()
        break
    }
    await checkLogs(step)
    await reconnect(step)
  }

  await finish()
  return violations

  async function finish() {
    const end = 'end'
    if (!disposed) {
      faults.down = false
      faults.failRate = 0
      faults.lostReplyRate = 0
      for (const connection of clients.flatMap(client => client.connections)) if (connection.stalled && !connection.closed && !connection.detached) connection.drain()
      // Every job ends by its time limit at the latest.
      await vi.advanceTimersByTimeAsync(world.config.limits.jobTimeoutMs + 10_000)
    }
    await Promise.all(pending)
    await reconnect(-1)
    await checkLogs(-1)
    for (const job of jobs) {
      const events = await storedEvents(job.id)
      if (!events) continue
      const final = reduceEvents(baseOf(job), events)
      if (process.env.FUZZ_COVERAGE) process.stdout.write(`coverage: ${job.type} ${final.status} ${final.error?.code ?? ''} answered=${final.answeredInputs.length} tools=${final.toolCalls.length}\n`)
      const terminal = isTerminalStatus(final.status)
      if (!terminal && !(disposed && !storeHealthyAtDispose)) log(-1, `job #${jobs.indexOf(job)} (${job.type}) did not end: ${final.status} at ${final.seq}`)
      // A round's leading line breaks are dropped and rounds are parted by a paragraph break (model-round.ts).
      const flat = (text: string) => text.replace(/\n/g, '')
      if (job.model && terminal && !(flat(final.content).startsWith(flat(job.model.confirmed)) && flat(job.model.yielded).startsWith(flat(final.content)))) {
        log(-1, `job #${jobs.indexOf(job)} (${job.id}): content ${JSON.stringify(final.content)} is not what the model handed out (confirmed ${JSON.stringify(job.model.confirmed)}, yielded ${JSON.stringify(job.model.yielded)})`)
      }
      for (const client of clients.filter(each => each.jobId === job.id)) {
        if (!client.state) continue
        // After a shutdown that gave up on a failing store, a viewer may have seen events never stored.
        const gaveUp = disposed && !storeHealthyAtDispose
        if (gaveUp && client.state.seq > final.seq) continue
        const expected = reduceEvents(baseOf(job), events.filter(event => event.seq <= client.state!.seq))
        if (JSON.stringify(client.state) !== JSON.stringify(expected)) log(-1, `job #${jobs.indexOf(job)} (${job.id}): a viewer's state at ${client.state.seq} differs from the stored log's: ${differences(client.state, expected)}`)
        const last = client.connections.at(-1)!
        // A stalled stream that dropped frames is ended; the browser reconnects unless the server has shut down.
        const cut = disposed && last.dropped > 0
        // The store deleted the job while its owner still waited to hear that the end was written (the
        // reply lost, then an outage longer than the retention): the owner's next write was refused
        // `not-found` and it gave the run up as lost (lost-job.ts), closing its streams before the
        // end. The job is gone: a reconnect finds nothing, so the viewer's position has nothing to match.
        const gone = world.goneWhileRun.has(job.id) && last.closed
        if (!gaveUp && !cut && !gone && terminal && last.open && !last.detached && (!last.closed || client.state.seq !== final.seq)) log(-1, `job #${jobs.indexOf(job)} (${job.id}): a viewer still attached at the end has seq ${client.state.seq} of ${final.seq}, closed ${last.closed}`)
      }
    }
    if (!disposed) {
      const stats = engine.stats()
      if (stats.runs || stats.viewers || stats.jobTimers || stats.pendingInputs) log(-1, `${end}: engine holds ${JSON.stringify(stats)} after every job ended`)
      await vi.advanceTimersByTimeAsync(RETENTION_MS + 2_000)
      const counts = store.stats()
      if (counts.jobs || counts.events || counts.idempotencyKeys || counts.users || counts.listeners) log(-1, `${end}: provider holds ${JSON.stringify(counts)} after retention`)
      const after = engine.stats()
      if (Object.entries(after).some(([key, value]) => value !== 0 && key !== 'engineTimers')) log(-1, `${end}: engine holds ${JSON.stringify(after)} after retention`)
      await dispose()
    }
    for (const connection of clients.flatMap(client => client.connections)) {
      if (connection.open && !connection.detached && !connection.closed) log(-1, 'a viewer is still open after shutdown')
    }
    const stats = engine.stats()
    if (Object.values(stats).some(value => value !== 0)) log(-1, `${end}: engine holds ${JSON.stringify(stats)} after shutdown`)
    if (vi.getTimerCount() !== 0) log(-1, `${end}: ${vi.getTimerCount()} fake timers pending after shutdown`)
  }
}
