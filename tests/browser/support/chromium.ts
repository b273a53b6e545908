/**
 * Which Chromium the browser tests drive and with which flags. No test-runner imports here: the e2e
 * global setup (the main vitest process) launches the shared Chromium servers from it too
 * (shared-demo-broker.ts).
 */
import { existsSync } from 'node:fs'

/** Headless, offline, no sandbox (a container), every host but the loopback unresolvable. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost',
]

/**
 * The Chromium the tests drive: `CHROMIUM_PATH`, else Debian's headless shell (package
 * chromium-headless-shell, the same Blink without the browser's own UI), else `/usr/bin/chromium`.
 * The full browser in headless mode gives every new context a window with two omnibox popups
 * rendered as web pages (chrome://omnibox-popup.top-chrome): ~1.7 s of CPU per context on a
 * two-core machine, paid by every test's fresh context (5 contexts: 9.7 s of renderer CPU against
 * 1.1 s in the shell).
 */
export const CHROMIUM_EXECUTABLE = process.env.CHROMIUM_PATH
  ?? ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find(path => existsSync(path))
  ?? '/usr/bin/chromium'
