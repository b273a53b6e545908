/**
 * `startProcess` (tests/support/server-process.ts) with `processGroup`: what the server spawned is
 * stopped with it, and a server can be stopped while it is still starting (`onSpawn`). The e2e file
 * that runs `nuxt dev` (dev-isolation.test.ts) relies on both: when its `beforeAll` timed out while
 * the dev server was still building, its `afterAll` had nothing to stop and `nuxt dev` ran on.
 */
import { readFileSync } from 'node:fs'
import { afterEach, expect, it } from 'vitest'
import type { ServerProcess } from '../support/server-process'
import { startProcess } from '../support/server-process'

/** A server that starts a helper process (a watcher, a build service) and prints its pid. */
const SPAWNS_HELPER = `
const { spawn } = require('node:child_process')
const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' })
console.log('helper ' + helper.pid)
if (process.env.LISTEN) require('node:http').createServer((request, response) => response.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')
`

/** What a test started: stopped after it whatever happened (a failed test must not leave them running). */
const servers: ServerProcess[] = []
const helpers: number[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map(server => server.stop()))
  for (const pid of helpers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    }
    catch {
      // Gone already.
    }
  }
})

/** Whether `pid` runs (a zombie left for a parent that never reaps it counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  }
  catch {
    return false
  }
}

/** The helper's pid, once the server printed it. */
async function helperPid(server: ServerProcess): Promise<number> {
  await expect.poll(() => /helper (\d+)/.test(server.output())).toBe(true)
  const pid = Number(/helper (\d+)/.exec(server.output())![1])
  helpers.push(pid)
  return pid
}

it('stopping a server started with processGroup stops what it spawned too', async () => {
  const server = await startProcess({ args: ['-e', SPAWNS_HELPER], env: { LISTEN: '1' }, readyPath: '/', processGroup: true })
  servers.push(server)
  const helper = await helperPid(server)
  expect(running(helper)).toBe(true)
  await server.stop()
  await expect.poll(() => running(helper)).toBe(false)
})

it('a server stopped while still starting (onSpawn) is gone with its helper, and the start fails', async () => {
  let spawned: ServerProcess | undefined
  const starting = startProcess({ args: ['-e', SPAWNS_HELPER], env: {}, readyPath: '/', processGroup: true, onSpawn: (server) => {
    spawned = server
    servers.push(server)
  } })
  await expect.poll(() => spawned).toBeDefined()
  const helper = await helperPid(spawned!)
  await spawned!.stop()
  await expect(starting).rejects.toThrow(/exited early/)
  expect(running(spawned!.pid)).toBe(false)
  await expect.poll(() => running(helper)).toBe(false)
})

it('a group whose leader exited on its own is still killed when this process exits, until it is stopped', async () => {
  // `nuxt dev` crashing leaves its helpers in the group: the worker's exit must still kill them.
  const listenersBefore = process.listenerCount('exit')
  const exitsOnRequest = `${SPAWNS_HELPER}; require('node:http').createServer((request, response) => { response.end('ok'); if (request.url === '/exit') setImmediate(() => process.exit(0)) }).listen(Number(process.env.PORT), '127.0.0.1')`
  const server = await startProcess({ args: ['-e', exitsOnRequest], env: {}, readyPath: '/', processGroup: true })
  servers.push(server)
  const helper = await helperPid(server)
  await fetch(`${server.url}/exit`)
  await expect.poll(() => server.process.exitCode).toBe(0)
  expect(running(helper)).toBe(true)
  expect(process.listenerCount('exit')).toBe(listenersBefore + 1)
  await server.stop()
  await expect.poll(() => running(helper)).toBe(false)
  expect(process.listenerCount('exit')).toBe(listenersBefore)
})

it('a leader that exits on its own while starting takes the helpers of its group with it, and the start fails', async () => {
  const listenersBefore = process.listenerCount('exit')
  let spawned: ServerProcess | undefined
  const exitsAtOnce = `${SPAWNS_HELPER}; setTimeout(() => process.exit(1), 200)`
  const starting = startProcess({ args: ['-e', exitsAtOnce], env: {}, readyPath: '/', processGroup: true, onSpawn: (server) => {
    spawned = server
    servers.push(server)
  } })
  await expect.poll(() => spawned).toBeDefined()
  const helper = await helperPid(spawned!)
  await expect(starting).rejects.toThrow(/exited early/)
  await expect.poll(() => running(helper)).toBe(false)
  expect(process.listenerCount('exit')).toBe(listenersBefore)
})

it('a readiness probe that gets no answer is given up and asked again, not waited on for good', async () => {
  // The first request is taken and never answered (a server stuck in its start); the next ones are.
  const firstHangs = `let first = true; require('node:http').createServer((request, response) => { if (first) { first = false; return } response.end('ok') }).listen(Number(process.env.PORT), '127.0.0.1')`
  const server = await startProcess({ args: ['-e', firstHangs], env: {}, readyPath: '/', readyProbeTimeoutMs: 300 })
  servers.push(server)
  expect(await (await fetch(server.url)).text()).toBe('ok')
})
