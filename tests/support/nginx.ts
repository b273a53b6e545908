/**
 * A throwaway nginx on 127.0.0.1 and a free port, for the deployment examples that put nginx in
 * front of the app (docs/examples/redis/nginx.conf): the example's `server { … }` block (and its
 * `upstream`) inside a minimal main configuration whose logs, pid and temp files live in a temp
 * folder. One process (`master_process off`), in the foreground, stopped by the test.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, stopProcess } from './server-process'

/** A running nginx. */
export interface Nginx {
  url: string
  port: number
  stop: () => Promise<void>
}

/** True when `nginx` is on the PATH (Debian: /usr/sbin). */
export function hasNginx(): boolean {
  return spawnSync('nginx', ['-v'], { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } }).status === 0
}

async function accepts(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Starts nginx with `http` holding `sites` (an example's upstream and server blocks), after
 * `rewrite` had its way with them given the port nginx listens on (e.g. `listen 80;` → that port).
 */
export async function startNginx(sites: string, rewrite: (sites: string, port: number) => string): Promise<Nginx> {
  if (!hasNginx()) throw new Error('nginx is not installed: apt-get install -y nginx (the deployment example test needs it)')
  const port = await freePort()
  const prefix = mkdtempSync(join(tmpdir(), 'bgjobs-nginx-'))
  writeFileSync(join(prefix, 'nginx.conf'), [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `error_log ${join(prefix, 'error.log')} warn;`,
    `pid ${join(prefix, 'nginx.pid')};`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(kind => `  ${kind}_temp_path ${join(prefix, kind)};`),
    rewrite(sites, port),
    '}',
  ].join('\n'))
  const child: ChildProcess = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
  })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  for (let attempt = 0; !(await accepts(port)); attempt++) {
    if (child.exitCode !== null || attempt > 400) {
      child.kill('SIGKILL')
      let log = ''
      try {
        log = readFileSync(join(prefix, 'error.log'), 'utf8')
      }
      catch {}
      rmSync(prefix, { recursive: true, force: true })
      throw new Error(`nginx did not start:\n${output}\n${log}`)
    }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      await stopProcess(child)
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
