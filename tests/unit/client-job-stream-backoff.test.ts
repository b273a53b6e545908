/**
 * The backoff of a break ends once a stream stayed open a while, also when that stream sent no
 * frame (a job waiting for an answer, resumed at its current seq, gets only heartbeats): the next
 * break is a new one, asked about at once. A stream that breaks soon after opening keeps it.
 */
import { describe, expect, it } from 'vitest'
import { REOPEN_MAX_DELAY_MS } from '../../app/lib/job-stream'
import { breakUntilOffline, harness, snapshot } from '../support/job-stream-harness'

describe('backoff after a recovered outage', () => {
  it('a break of a stream that opened and lived after the outage is asked about at once, not after the outage\'s longest delay', async () => {
    const test = harness()
    await breakUntilOffline(test) // offline through the backoff
    // The server is back; the job waits for an answer, so the resumed stream (after=3) sends nothing but heartbeats.
    await test.runTimer({ ...snapshot(3, 'abc'), status: 'waiting' })
    test.sources[1]!.open()
    expect(test.states.at(-1)).toBe('open')
    // An hour later the server is redeployed: the stream breaks.
    test.setClock(3_600_000)
    test.sources[1]!.fail(0)
    expect(test.states.at(-1)).toBe('reconnecting')
    // The first attempt after a break is immediate (REOPEN_BASE_DELAY_MS: "the first is immediate").
    expect(test.pending().map(timer => timer.delayMs)).toEqual([0])
  })

  it('breaks ten minutes apart of a healthy but frameless stream are each asked about at once', async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', { ...snapshot(3, 'abc'), status: 'waiting' })
    const delays: number[] = []
    for (let round = 0; round < 5; round++) {
      test.setClock((round + 1) * 600_000) // each stream lives ten minutes before the next break
      test.sources.at(-1)!.fail(0)
      delays.push(test.pending().at(-1)!.delayMs)
      await test.runTimer({ ...snapshot(3, 'abc'), status: 'waiting' })
      test.sources.at(-1)!.open() // opens fine; nothing new to send
    }
    expect(delays).toEqual([0, 0, 0, 0, 0])
  })

  it('a stream that breaks soon after it opened keeps the backoff (a server that accepts streams and drops them)', async () => {
    const test = harness()
    test.sources[0]!.open()
    test.sources[0]!.emit('snapshot', { ...snapshot(3, 'abc'), status: 'waiting' })
    const delays: number[] = []
    for (let round = 0; round < 4; round++) {
      test.setClock((round + 1) * (REOPEN_MAX_DELAY_MS - 1))
      test.sources.at(-1)!.fail(0)
      delays.push(test.pending().at(-1)!.delayMs)
      await test.runTimer({ ...snapshot(3, 'abc'), status: 'waiting' })
      test.sources.at(-1)!.open()
    }
    expect(delays).toEqual([0, 1_000, 2_000, 4_000])
  })
})
