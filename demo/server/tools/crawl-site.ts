/**
 * Demo tool: pretends to crawl a site page by page (nothing is fetched) and reports its progress
 * after each page with `ctx.progress` — the demo's tool row shows the message and a bar. Stops at
 * once when its signal fires, as slow_task does.
 */
import { z } from 'zod'
import { defineTool } from '../../../server/utils/define-tool'
import { wait } from './lib/wait'

/** Most pages one call crawls. */
const MAX_PAGES = 20
/** How long each pretend page takes. */
const PAGE_MS = 400

export default defineTool({
  name: 'crawl_site',
  description: `Pretends to crawl a web site page by page (at most ${MAX_PAGES} pages) and reports its progress; returns the pages' titles.`,
  parameters: z.object({
    url: z.string().default('https://example.com/').describe('Where to start'),
    pages: z.number().int().min(1).max(MAX_PAGES).default(8).describe('How many pages to crawl'),
  }),
  timeoutMs: MAX_PAGES * PAGE_MS + 5000,
  async execute({ url, pages }, { signal, progress }) {
    const titles: string[] = []
    progress({ message: `Fetching ${pages} pages from ${url}`, fraction: 0 })
    for (let page = 1; page <= pages; page++) {
      await wait(PAGE_MS, signal)
      titles.push(`Page ${page} of ${url}`)
      progress({ message: `Fetched ${page} of ${pages} pages`, fraction: page / pages })
    }
    return { url, pages: titles }
  },
})
