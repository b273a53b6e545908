/**
 * Demo tool: the current date and time, optionally in an IANA time zone ("Europe/Paris").
 */
import { z } from 'zod'
import { defineTool, ToolError } from '../../../server/utils/define-tool'

export default defineTool({
  name: 'get_current_time',
  description: 'Returns the current date and time on the server, optionally in an IANA time zone such as "Europe/Paris".',
  parameters: z.object({
    timezone: z.string().max(64).optional().describe('IANA time zone name; UTC when omitted'),
  }),
  execute({ timezone }) {
    const now = new Date()
    const timeZone = timezone ?? 'UTC'
    let formatted: string
    try {
      formatted = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(now)
    }
    catch {
      // Intl's RangeError text varies by runtime; name the fix instead. A ToolError: the model reads it
      // (any other error reads only `Tool "get_current_time" failed`) and can correct the zone.
      throw new ToolError(`Unknown time zone "${timeZone}"; use an IANA name such as "Europe/Paris" or "UTC"`)
    }
    return { iso: now.toISOString(), timezone: timeZone, formatted }
  },
})
