/**
 * Demo workflow: three agents brainstorm the same topic at the same time from different angles;
 * once all three have finished, their ideas are joined into one summary. Runs offline on the
 * built-in scripted model.
 */
import { z } from 'zod'
import { defineWorkflow } from '../../../server/utils/define-workflow'

export default defineWorkflow({
  name: 'parallel-brainstorm',
  description: 'Three agents brainstorm a topic in parallel (optimist, skeptic, pragmatist); their ideas are joined.',
  input: z.object({ topic: z.string().trim().min(1).max(200) }),
  nodes: {
    brainstorm: {
      kind: 'parallel',
      branches: ['optimist', 'skeptic', 'pragmatist'],
    },
    optimist: {
      kind: 'agent',
      instructions: 'You are an optimist. Give the three most promising ideas.',
      prompt: 'Brainstorm the best case for: {{input.topic}}',
    },
    skeptic: {
      kind: 'agent',
      instructions: 'You are a skeptic. Give the three biggest risks.',
      prompt: 'Brainstorm what could go wrong with: {{input.topic}}',
    },
    pragmatist: {
      kind: 'agent',
      instructions: 'You are a pragmatist. Give the three next steps.',
      prompt: 'Brainstorm the first practical steps for: {{input.topic}}',
    },
    summary: {
      kind: 'output',
      value: [
        '## Brainstorm: {{input.topic}}',
        '### Best case\n{{outputs.optimist}}',
        '### Risks\n{{outputs.skeptic}}',
        '### Next steps\n{{outputs.pragmatist}}',
      ].join('\n\n'),
    },
  },
  edges: [['brainstorm', 'summary']],
})
