/**
 * The browser tests' shared demos (tests/browser/support/shared-demo-pool.ts) with fake servers and
 * Chromiums: one start per worker slot, started again only when one of its parts died or its server
 * stopped answering, nothing left running after `close`, and the broker's HTTP face that the test
 * files use.
 */
import { describe, expect, it, vi } from 'vitest'
import type { DemoBrowserPart, DemoServerPart, DemoStarters } from '../browser/support/shared-demo-pool'
import { createSharedDemoPool, startSharedDemoBroker } from '../browser/support/shared-demo-pool'

interface FakePart { alive: boolean, stops: number }
interface FakeServer extends DemoServerPart, FakePart {
  /** false: alive but stuck (it takes requests and never answers). */
  answering: boolean
}

/** Starters whose parts are recorded; `failBrowser` makes the next Chromium launch fail. */
function fakeStarters() {
  const servers: FakeServer[] = []
  const browsers: Array<DemoBrowserPart & FakePart> = []
  const control = { failBrowser: false, gate: Promise.resolve() }
  const part = () => {
    const made = { alive: true, stops: 0, running: () => made.alive, stop: async () => { made.stops++; made.alive = false } }
    return made
  }
  const starters: DemoStarters = {
    async startServer() {
      await control.gate
      const server: FakeServer = Object.assign(part(), { url: `http://server-${servers.length + 1}`, log: () => `log of server ${servers.length}`, answering: true, answers: async () => server.answering })
      servers.push(server)
      return server
    },
    async launchBrowser() {
      await control.gate
      if (control.failBrowser) {
        control.failBrowser = false
        throw new Error('Chromium did not launch')
      }
      const browser = Object.assign(part(), { wsEndpoint: `ws://browser-${browsers.length + 1}` })
      browsers.push(browser)
      return browser
    },
  }
  return { starters, servers, browsers, control }
}

describe('shared demo pool', () => {
  it('starts a slot once: its next files get the same server and Chromium, another slot its own', async () => {
    const { starters, servers, browsers } = fakeStarters()
    const pool = createSharedDemoPool(starters)
    const first = await pool.acquire('1')
    const again = await pool.acquire('1')
    const other = await pool.acquire('2')
    expect([first.started, again.started, other.started]).toEqual([true, false, true])
    expect(again.slot).toBe(first.slot)
    expect([first.slot.server.url, other.slot.server.url]).toEqual(['http://server-1', 'http://server-2'])
    expect([servers.length, browsers.length]).toEqual([2, 2])
    await pool.close()
  })

  it('starts a slot once when asked twice at the same time', async () => {
    const { starters, servers } = fakeStarters()
    const pool = createSharedDemoPool(starters)
    const [one, two] = await Promise.all([pool.acquire('1'), pool.acquire('1')])
    expect([one.started, two.started, servers.length]).toEqual([true, false, 1])
    await pool.close()
  })

  it('starts a slot again when its server died, stopping its Chromium first; the warm-up is owed again', async () => {
    const { starters, servers, browsers } = fakeStarters()
    const pool = createSharedDemoPool(starters)
    const first = await pool.acquire('1')
    first.slot.warm = true
    servers[0]!.alive = false
    const next = await pool.acquire('1')
    expect([next.started, next.slot.warm, next.slot.server.url]).toEqual([true, false, 'http://server-2'])
    expect(browsers[0]!.stops).toBe(1)
    await pool.close()
  })

  it('starts a slot again when its server is alive but no longer answers, stopping both of its parts', async () => {
    const { starters, servers, browsers } = fakeStarters()
    const pool = createSharedDemoPool(starters)
    const first = await pool.acquire('1')
    first.slot.warm = true
    servers[0]!.answering = false
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const next = await pool.acquire('1')
      expect([next.started, next.slot.warm, next.slot.server.url]).toEqual([true, false, 'http://server-2'])
      expect([servers[0]!.stops, browsers[0]!.stops]).toEqual([1, 1])
      expect(warned).toHaveBeenCalledWith(expect.stringContaining('shared demo slot 1: its server is alive but did not answer'))
      // Handed to the file that gets the new server, which fails on it (a hang is not passed over).
      expect(next.stuck).toContain('shared demo slot 1: its server is alive but did not answer')
      expect(next.stuck).toContain('log of server 1')
      // Once: the next request gets the new server as it is.
      expect((await pool.acquire('1')).stuck).toBeUndefined()
    }
    finally {
      warned.mockRestore()
    }
    await pool.close()
  })

  it('stops the server of a start whose Chromium failed, and tries again on the next request', async () => {
    const { starters, servers, control } = fakeStarters()
    const pool = createSharedDemoPool(starters)
    control.failBrowser = true
    await expect(pool.acquire('1')).rejects.toThrow('Chromium did not launch')
    expect(servers[0]!.stops).toBe(1)
    expect(await pool.peek('1')).toBeUndefined()
    const retried = await pool.acquire('1')
    expect([retried.started, retried.slot.server.url]).toEqual([true, 'http://server-2'])
    await pool.close()
  })

  it('close stops every slot, one still starting too, and refuses requests after it', async () => {
    const { starters, servers, browsers, control } = fakeStarters()
    const pool = createSharedDemoPool(starters)
    await pool.acquire('1')
    let open = () => {}
    control.gate = new Promise(resolve => (open = resolve))
    const starting = pool.acquire('2')
    // Its start has begun (it waits at the gate) when the run ends.
    await new Promise(resolve => setImmediate(resolve))
    const closing = pool.close()
    open()
    await Promise.all([starting, closing])
    expect([...servers, ...browsers].map(part => [part.alive, part.stops])).toEqual(Array.from({ length: 4 }, () => [false, 1]))
    await expect(pool.acquire('3')).rejects.toThrow('closed')
  })
})

describe('shared demo broker', () => {
  it('hands a slot out over HTTP, records its warm-up, serves its log, and stops everything on close', async () => {
    const { starters, servers, browsers } = fakeStarters()
    const broker = await startSharedDemoBroker(createSharedDemoPool(starters))
    try {
      const acquire = async () => await (await fetch(`${broker.url}/slots/3`, { method: 'POST' })).json()
      expect(await acquire()).toEqual({ url: 'http://server-1', wsEndpoint: 'ws://browser-1', warm: false, started: true })
      expect((await fetch(`${broker.url}/slots/3/warm`, { method: 'POST' })).status).toBe(204)
      expect(await acquire()).toEqual({ url: 'http://server-1', wsEndpoint: 'ws://browser-1', warm: true, started: false })
      expect(await (await fetch(`${broker.url}/slots/3/log`)).text()).toBe('log of server 1')
      expect((await fetch(`${broker.url}/slots/4/warm`, { method: 'POST' })).status).toBe(404)
    }
    finally {
      await broker.close()
    }
    expect([...servers, ...browsers].map(part => part.alive)).toEqual([false, false])
  })
})
