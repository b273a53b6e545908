/**
 * Demo tool that needs a human's approval before it runs. It only pretends: nothing on disk is
 * touched, whatever the path.
 */
import { z } from 'zod'
import { defineTool } from '../../../server/utils/define-tool'

export default defineTool({
  name: 'delete_file',
  description: 'Deletes a file (demo: pretends to, nothing is touched). The user must approve each call.',
  parameters: z.object({
    path: z.string().min(1).max(500).describe('Path of the file to delete'),
    recursive: z.boolean().default(false).describe('Also delete a directory and everything in it'),
  }),
  needsApproval: true,
  execute({ path }) {
    return { deleted: path, note: 'Demo only: no file was touched on disk.' }
  },
})
