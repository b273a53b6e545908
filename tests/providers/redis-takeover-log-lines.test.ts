/**
 * On one real redis-server, two instances: the lines a takeover logs on each have the level and
 * fields docs/logs.md's "Lines by name" table gives them (tests/unit/log-lines-table.test.ts runs
 * the other paths, on the memory provider): a workflow handed off at shutdown and answered on the
 * instance that took it over, and a chat whose owner stopped renewing its lease (Redis's clock
 * moved past it: `storeClock`), which the other instance ends `owner-lost`. The metrics move as
 * metrics.md says (the two engines share this process's registry: deltas are read), and a second
 * job of the same user on the other instance is refused by the per-user limit, counted through Redis.
 */
import { expect, it } from 'vitest'
import { ConcurrencyLimitError } from '../../server/lib/errors'
import { useMetrics } from '../../server/lib/metrics'
import { runInRequestScope } from '../../server/lib/request-scope'
import { checkLogLines, documentedLogRows } from '../support/log-table'
import { recordingLogger } from '../support/recording-logger'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()
// Recovery runs only when the test calls it (no scan of its own within the test).
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 }, limits: { maxConcurrentJobsPerUser: 1 } }
const rows = documentedLogRows()

/** Reads the counters now; `since()` gives how much each moved after, the unmoved left out. */
function countersFrom() {
  const before = { ...useMetrics().snapshot().counters }
  return {
    since: () => Object.fromEntries(Object.entries(useMetrics().snapshot().counters).map(([key, value]) => [key, value - (before[key] ?? 0)]).filter(([, moved]) => moved !== 0)),
  }
}

/** The lines that have a row, as `level message`, after checking each against its row. */
function checked(lines: ReturnType<typeof recordingLogger>['lines']): string[] {
  const { matched, problems } = checkLogLines(rows, lines)
  expect(problems).toEqual([])
  return matched.map(line => `${line.level} ${line.message}`)
}

it('a workflow handed off at shutdown, resumed and answered on the other instance', async () => {
  const keyPrefix = `takeover-log-lines-${process.pid}:`
  const first = recordingLogger()
  const second = recordingLogger()
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, logger: first.logger })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, logger: second.logger })
  const counters = countersFrom()
  const { job } = await runInRequestScope('create-1', () => a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } }))
  // The user's waiting job counts on the other instance too (limits.maxConcurrentJobsPerUser = 1).
  await expect(b.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })).rejects.toBeInstanceOf(ConcurrencyLimitError)
  await a.stop()
  expect(await b.engine.recover()).toBe(1)
  const { state } = await b.engine.getJob('u1', job.id)
  await b.engine.answerInput('u1', job.id, { requestId: state.pendingInputs[0]!.requestId, answer: { go: true } })
  await b.engine.whenSettled(job.id)
  expect(checked(first.lines)).toEqual(['info job created'])
  expect(checked(second.lines)).toEqual(['info resuming a job whose owner was lost', 'info job ended'])
  expect(second.lines.at(-1)?.fields).toMatchObject({ jobId: job.id, workflow: 'ask', status: 'completed', requestId: 'create-1' })
  expect(counters.since()).toMatchObject({
    'jobs_started_total': 2, // the run on a, the run b resumed
    'jobs_refused_total{reason="user-limit"}': 1,
    'runs_handed_off_total{cause="shutdown"}': 1,
    'lease_takeovers_total{outcome="resumed",type="workflow"}': 1,
    'jobs_ended_total{status="completed"}': 1,
  })
  expect(counters.since()).not.toHaveProperty(['jobs_ended_total{status="failed"}'])
})

it('a chat whose owner stopped renewing its lease, ended owner-lost on the other instance', async () => {
  const keyPrefix = `takeover-log-lines-chat-${process.pid}:`
  let offsetMs = 0
  const storeClock = () => Date.now() + offsetMs
  const second = recordingLogger()
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, storeClock, chat: context => new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true })) })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, storeClock, logger: second.logger })
  const { job } = await runInRequestScope('create-2', () => a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } }))
  const counters = countersFrom()
  // Past the lease a took (a's heartbeats, every 300 s, have not come): b takes the job.
  offsetMs = 700_000
  expect(await b.engine.recover()).toBe(1)
  await b.engine.whenSettled(job.id)
  expect(checked(second.lines)).toEqual(['info ended a job whose owner was lost', 'warn job ended'])
  expect(second.lines.map(line => line.fields)).toMatchObject([
    { jobId: job.id, status: 'failed', code: 'owner-lost', ok: true, requestId: 'create-2' },
    { jobId: job.id, type: 'chat', status: 'failed', error: 'owner-lost', failedDuring: 'engine', requestId: 'create-2' },
  ])
  // Counted by the instance that wrote the end; no run started there.
  expect(counters.since()).toMatchObject({
    'lease_takeovers_total{outcome="ended",type="chat"}': 1,
    'jobs_ended_total{status="failed"}': 1,
    'job_errors_total{code="owner-lost"}': 1,
  })
  expect(counters.since()).not.toHaveProperty(['jobs_started_total'])
})
