/**
 * A log read on Redis sent `XRANGE` and `HGET closedEnd` side by side, then `HGET lastSeq` and
 * `EXISTS` to tell a job deleted meanwhile (redis-log-read.ts): four commands per read, and a
 * viewer's catch-up reads many times. The first page, the closed end and whether the job is held
 * come in one script now (redis-log-script.ts), counted here as Redis receives them (MONITOR, the
 * commands a script runs itself aside). The closed end's reads stay as they were
 * (redis-refused-end-closed.test.ts), and a log longer than a page is still read whole.
 */
import { createClient } from 'redis'
import { expect, it, onTestFinished } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { redisProviderWithAdmin } from '../support/redis-provider-admin'
import { useRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, endEvent, statusEvent, textEvent } from './contract-fixtures'

const redis = useRedisServer()

/** What the provider sends Redis about `jobId` during `run` (one line per command), from MONITOR. */
async function commandsAbout(jobId: string, admin: { echo: (message: string) => Promise<unknown> }, run: () => Promise<unknown>): Promise<string[]> {
  const monitor = createClient({ url: redis.url })
  await monitor.connect()
  onTestFinished(async () => {
    await monitor.close().catch(() => {})
  })
  const lines: string[] = []
  const marker = `end-of-run-${jobId}`
  let markerSeen!: () => void
  const seen = new Promise<void>(resolve => markerSeen = resolve)
  let done = false
  await monitor.monitor((line) => {
    if (done) return
    if (line.includes(marker)) {
      done = true
      markerSeen()
    }
    // A script's own commands are `[0 lua]`: one command sent, however much it reads.
    else if (line.includes(jobId) && !line.includes(' lua] ')) lines.push(line)
  })
  await run()
  // MONITOR lists commands in the order Redis ran them: all of the run's come before the marker.
  await admin.echo(marker)
  await seen
  await monitor.close()
  return lines
}

/** The command names of MONITOR lines (`1700000000.1 [0 127.0.0.1:5000] "EVALSHA" …`). */
const names = (lines: string[]) => lines.map(line => /\] "(\w+)"/.exec(line)![1])

it('reads a job\'s log in one command, its state in two', async () => {
  const { provider, admin } = await redisProviderWithAdmin({ url: redis.url, keyPrefix: `log-read-commands-${process.pid}:` })
  const job = await createJob(provider)
  await appendAccepted(provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hello')])
  await appendAccepted(provider, job.id, [textEvent(3, 5, ' world')])
  // The script loaded once (EVALSHA, then EVAL after NOSCRIPT): not what a read costs.
  await provider.readEvents(job.id, 0)

  let ranges: unknown[] = []
  const readCommands = await commandsAbout(job.id, admin, async () => {
    ranges = [await provider.readEvents(job.id, 0), await provider.readEvents(job.id, 2)]
  })
  const stateCommands = await commandsAbout(job.id, admin, async () => {
    expect((await provider.getState(job.id))!.content).toBe('Hello world')
  })
  expect(ranges).toEqual([
    { events: [statusEvent(1), textEvent(2, 0, 'Hello'), textEvent(3, 5, ' world')], complete: true },
    { events: [textEvent(3, 5, ' world')], complete: true },
  ])
  // Before: XRANGE, HGET closedEnd, HGET lastSeq and EXISTS per read; XRANGE, HGET closedEnd and HMGET for the state.
  expect(names(readCommands)).toEqual(['EVALSHA', 'EVALSHA'])
  expect(names(stateCommands)).toEqual(['EVALSHA', 'HMGET'])
})

it('still reads a log longer than a page whole, and a deleted job as gone', async () => {
  const { provider } = await redisProviderWithAdmin({ url: redis.url, keyPrefix: `log-read-long-${process.pid}:` })
  const job = await createJob(provider)
  // 501 entries: one more than a page (READ_PAGE in redis-log-read.ts).
  const events: JobEvent[] = [statusEvent(1)]
  await appendAccepted(provider, job.id, [statusEvent(1)])
  for (let seq = 2; seq <= 501; seq++) {
    events.push(textEvent(seq, seq - 2, 'x'))
    await appendAccepted(provider, job.id, [events.at(-1)!])
  }
  await appendAccepted(provider, job.id, [endEvent(502)])
  expect((await provider.readEvents(job.id, 0))!.events.map(event => event.seq)).toEqual(Array.from({ length: 502 }, (_, index) => index + 1))
  expect((await provider.readEvents(job.id, 499))!.events.map(event => event.seq)).toEqual([500, 501, 502])
  expect((await provider.getState(job.id))!.content).toBe('x'.repeat(500))

  expect(await provider.deleteJob!(job.id)).toBeTruthy()
  expect(await provider.readEvents(job.id, 0)).toBeNull()
  expect(await provider.getState(job.id)).toBeNull()
})
