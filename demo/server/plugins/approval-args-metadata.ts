/**
 * The AI SDK page shows a tool approval with the arguments the tool's schema produced (what the
 * tool will run with), as the main chat does: a response that ends waiting for approvals puts them
 * in its finish metadata (demo/app/lib/approval-args.ts). Metadata never reaches the model
 * (docs/ai-sdk-metadata.md), so what the SDK sends back is unchanged.
 */
import { approvalArgsMetadata } from '../../app/lib/approval-args'

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('background-jobs:chat-message-metadata', (context) => {
    if (context.part !== 'finish') return
    const approvals = approvalArgsMetadata(context.state.pendingInputs)
    if (!approvals) return
    const set = context.metadata && typeof context.metadata === 'object' && !Array.isArray(context.metadata) ? context.metadata : {}
    context.metadata = { ...set, ...approvals }
  })
})
