/**
 * The Nuxt DevTools tab, in `nuxt dev` only: registers the dev-only server routes under
 * `/__background-jobs/devtools` (server/lib/devtools/handler.ts), a plugin that remembers the jobs
 * created in this dev server, and the tab (an iframe of that page). The token the page needs for its
 * data is made here, per dev server, and reaches the server as a virtual module. A production build
 * gets none of this: no route, no plugin, no page, and `@nuxt/devtools-kit` is never loaded.
 */
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { addServerHandler, addServerPlugin, addServerTemplate } from '@nuxt/kit'
import type { Nuxt } from 'nuxt/schema'
import { DEVTOOLS_ROUTE } from '../server/lib/devtools/guard'

/** The virtual module holding the dev server's DevTools token ('' outside `nuxt dev`). */
export const DEVTOOLS_TOKEN_MODULE = '#background-jobs/devtools-token'

/** Joins URL path parts with exactly one slash between them. */
function joinPath(...parts: string[]): string {
  return parts.map((part, index) => (index === 0 ? part.replace(/\/+$/, '') : part.replace(/^\/+|\/+$/g, ''))).filter(Boolean).join('/').replace(/^(?!\/)/, '/')
}

/** Adds the DevTools tab and its routes when Nuxt runs in dev; does nothing otherwise. */
export async function setupDevtools(nuxt: Nuxt): Promise<void> {
  const token = nuxt.options.dev ? randomBytes(24).toString('base64url') : ''
  // Always defined so the handler type-checks; only a dev build ever imports it.
  addServerTemplate({ filename: DEVTOOLS_TOKEN_MODULE, getContents: () => `export const devtoolsToken = ${JSON.stringify(token)}\n` })
  if (!nuxt.options.dev) return

  const handler = resolve(__dirname, '../server/lib/devtools/handler')
  addServerHandler({ route: DEVTOOLS_ROUTE, handler })
  addServerHandler({ route: `${DEVTOOLS_ROUTE}/**`, handler })
  addServerPlugin(resolve(__dirname, '../server/lib/devtools/recent-jobs-plugin'))

  const { addCustomTab } = await import('@nuxt/devtools-kit')
  const page = joinPath(nuxt.options.app.baseURL, DEVTOOLS_ROUTE)
  addCustomTab({
    name: 'background-jobs',
    title: 'Background jobs',
    icon: joinPath(page, 'icon.svg'),
    view: { type: 'iframe', src: `${page}#token=${token}` },
  }, nuxt)
}
