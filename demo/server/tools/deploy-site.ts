/**
 * Demo tool that needs a human's approval and then reports its progress: it pretends to deploy a
 * site, uploading its files one by one (nothing is published), with `ctx.progress` after each —
 * the demo's tool row shows the approval first, then the message and a bar, then the result.
 * Stops at once when its signal fires, as crawl_site does.
 */
import { z } from 'zod'
import { defineTool } from '../../../server/utils/define-tool'
import { wait } from './lib/wait'

/** Most files one deployment uploads. */
const MAX_FILES = 20
/** How long each pretend upload takes. */
const FILE_MS = 400

export default defineTool({
  name: 'deploy_site',
  description: `Deploys a site (demo: pretends to, nothing is published), uploading at most ${MAX_FILES} files and reporting its progress. The user must approve each call.`,
  parameters: z.object({
    site: z.string().min(1).max(100).default('example-site').describe('The site to deploy'),
    files: z.number().int().min(1).max(MAX_FILES).default(5).describe('How many files to upload'),
  }),
  needsApproval: true,
  timeoutMs: MAX_FILES * FILE_MS + 5000,
  async execute({ site, files }, { signal, progress }) {
    progress({ message: `Uploading ${files} files of ${site}`, fraction: 0 })
    for (let file = 1; file <= files; file++) {
      await wait(FILE_MS, signal)
      progress({ message: `Uploaded ${file} of ${files} files`, fraction: file / files })
    }
    return { deployed: site, files, note: 'Demo only: nothing was published.' }
  },
})
