/**
 * An operator's day on one instance, read the way an operator reads it: the metrics route's
 * Prometheus text after jobs ended every way a job ends here — completed; failed in the model, in a
 * tool, on an unexpected error, by its time limit, by a question's `onTimeout: 'fail'`, by a
 * shutdown; aborted by its user and by a question's `onTimeout: 'abort'` — and the log lines they
 * wrote. (A lost owner's end is counted by the instance that ends it: tests/convex/takeover-metrics.)
 * Errors and aborts are told apart, every gauge is back at 0, no label carries a job id, a user id
 * or a model's name (but `model`, the model_* series' own), every line about a job names it, and no line holds a secret.
 */
import { afterEach, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createConsoleLogger } from '../../server/lib/logger'
import { withKnownSeries } from '../../server/lib/metric-known-series'
import { useMetrics } from '../../server/lib/metrics'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { engineGauges, toPrometheusText } from '../../server/lib/prometheus'
import { JobFailure } from '../../server/lib/run-context'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { createStepModel, textStep } from '../support/step-model'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

const SECRETS = {
  apiKey: 'sk-or-v1-0perat0rKeyNeverLogged',
  cookieSecret: 'c00kie-secret-0f-at-least-32-characters',
  metricsToken: 'metrics-t0ken-never-logged-anywhere',
  password: 'redisPassw0rdNeverLogged',
}
const MODEL = 'vendor/some-model-7b'

/** What each job's runner does, by the text of its user message. */
async function runByName(context: Parameters<typeof runChatJob>[0], chat: Parameters<typeof runChatJob>[1]): Promise<void> {
  const name = (chat.messages[0] as { content: string }).content
  if (name === 'completed' || name === 'upstream') return runChatJob(context, chat)
  if (name === 'tool') throw new JobFailure('tool-failed', 'Tool "lookup" failed', { failedDuring: 'tool', toolName: 'lookup' })
  if (name === 'crash') throw new Error(`ECONNREFUSED redis://default:${SECRETS.password}@cache:6379 (Cookie: sid=${SECRETS.cookieSecret}; Authorization: Basic ${Buffer.from(`app:${SECRETS.password}`).toString('base64')})`)
  if (name === 'ask-abort' || name === 'ask-fail') {
    await context.requestInput({ kind: 'workflow-input', prompt: 'Go on?', timeoutMs: 1_000, onTimeout: name === 'ask-abort' ? 'abort' : 'fail' })
    return
  }
  await wait(3_600_000, context.signal)
}

it('every kind of end: errors and aborts apart, gauges back at 0, bounded labels, job ids and no secrets in the logs', async () => {
  vi.useFakeTimers()
  useMetrics().reset()
  const lines: string[] = []
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(line))
  const model = createStepModel([textStep('hello'), new UpstreamStreamError('the provider failed', 'server_error')])
  const { engine } = createTestEngine({
    logger: createConsoleLogger(),
    model,
    runners: { chat: runByName },
    config: { cookieSecret: SECRETS.cookieSecret, metricsToken: SECRETS.metricsToken, limits: { jobTimeoutMs: 5_000 }, upstream: { apiKey: SECRETS.apiKey, defaultModel: MODEL } },
  })
  const ids: Record<string, string> = {}
  const start = async (name: string) => {
    ids[name] = (await engine.createJob(`customer-${name}`, { request: { ...chatRequest, messages: [{ role: 'user', content: name }] } })).job.id
    await vi.advanceTimersByTimeAsync(10)
  }
  for (const name of ['completed', 'upstream', 'tool', 'crash', 'ask-abort', 'ask-fail', 'user-abort', 'timeout']) await start(name)
  await engine.abortJob('customer-user-abort', ids['user-abort']!)
  // Past the questions' 1 s and the 5 s time limit; then one job that the shutdown stops.
  await vi.advanceTimersByTimeAsync(5_000)
  // Idle: what the runs held is back at 0; the engine keeps its cleanup interval and the users' recent notifications (bounded).
  expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, pendingInputs: 0, isolatedCalls: 0, unpersistedEvents: 0, oldestRunAgeMs: 0, oldestInputWaitMs: 0, engineTimers: 1 })
  expect(useMetrics().snapshot().jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
  await start('shutdown')
  expect((await engine.getJob('customer-shutdown', ids.shutdown!)).job.status).toBe('running')
  await engine.dispose()

  const stats = engine.stats()
  const text = toPrometheusText(withKnownSeries(useMetrics().snapshot()), engineGauges(stats, 0))
  const samples = new Map(text.split('\n').filter(line => line && !line.startsWith('#')).map((line) => {
    const space = line.lastIndexOf(' ')
    return [line.slice(0, space).replace('background_jobs_', ''), Number(line.slice(space + 1))]
  }))
  const family = (name: string) => Object.fromEntries([...samples].filter(([key, value]) => key.startsWith(`${name}{`) && value > 0))
  expect(family('jobs_ended_total')).toEqual({ 'jobs_ended_total{status="completed"}': 1, 'jobs_ended_total{status="failed"}': 6, 'jobs_ended_total{status="aborted"}': 2 })
  expect(family('job_errors_total')).toEqual({
    'job_errors_total{code="upstream-stream"}': 1,
    'job_errors_total{code="tool-failed"}': 1,
    'job_errors_total{code="internal-error"}': 1,
    'job_errors_total{code="input-timeout"}': 1,
    'job_errors_total{code="timeout"}': 1,
    'job_errors_total{code="shutdown"}': 1,
  })
  expect(family('job_aborts_total')).toEqual({ 'job_aborts_total{code="aborted"}': 1, 'job_aborts_total{code="input-timeout"}': 1 })
  expect(family('upstream_errors_total')).toEqual({ 'upstream_errors_total{code="upstream-stream"}': 1 })
  expect(samples.get('jobs_started_total')).toBe(9)
  expect(samples.get('job_duration_ms_count')).toBe(9)

  // Every gauge is back at 0 once nothing runs (the engine is disposed: its own timers too).
  const gauges = [...samples].filter(([key]) => key.startsWith('engine_') || key.startsWith('jobs{') || key === 'open_streams')
  expect(gauges.length).toBe(Object.keys(stats).length + 4)
  expect(gauges.filter(([, value]) => value !== 0)).toEqual([])

  // No label value is a job id, a user id or the model's name — but the `model` label of the
  // model_rounds_total and model_first_token_ms series, which is that name on purpose (the models
  // the operator allows, at most 64). Every other label: an error code that quoted it would show here.
  expect([...samples.keys()].some(key => key.includes(`model="${MODEL}"`))).toBe(true)
  const labelValues = [...samples.keys()].flatMap(key => [...key.matchAll(/(\w+)="([^"]*)"/g)].filter(match => match[1] !== 'model').map(match => match[2]!))
  for (const value of labelValues) expect([...Object.values(ids), MODEL, 'vendor'].some(forbidden => value.includes(forbidden)) || value.includes('customer'), value).toBe(false)

  // Each level was written; every line about a job names it; no line holds a secret.
  const parsed = lines.map(line => JSON.parse(line) as { level: string, message: string, jobId?: string })
  expect(new Set(parsed.map(line => line.level))).toEqual(new Set(['info', 'warn', 'error']))
  for (const line of parsed.filter(line => /^job /.test(line.message))) expect(Object.values(ids), line.message).toContain(line.jobId)
  expect(parsed.filter(line => line.message === 'job ended').map(line => line.jobId).sort()).toEqual(Object.values(ids).sort())
  for (const secret of Object.values(SECRETS)) expect(lines.join('\n')).not.toContain(secret)
  expect(lines.join('\n')).not.toContain(Buffer.from(`app:${SECRETS.password}`).toString('base64'))
})
