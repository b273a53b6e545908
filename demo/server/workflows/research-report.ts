/**
 * Demo workflow: research → draft → human approval → final report. A rejection sends the draft
 * back for one revision; a second rejection ends with a short note instead of the report. No answer
 * in time is a rejection with feedback (the timeout answer), so it too revises once, then ends.
 * Runs offline on the built-in scripted model.
 */
import { z } from 'zod'
import { defineWorkflow } from '../../../server/utils/define-workflow'

/** How many drafts the reviewer may ask for before the workflow gives up. */
const MAX_DRAFTS = 2

/**
 * How long each approval waits. The job's time limit (`limits.jobTimeoutMs`, 10 min by default)
 * counts the waits too: two unanswered rounds of the default 5 min, plus the agents' work, would
 * pass it and the job would end `timeout` instead of with the rejection note.
 */
const APPROVAL_TIMEOUT_MS = 4 * 60_000

/**
 * The reviewer's feedback as a sentence: trimmed, with a full stop when it ends without one ("Add
 * costs"), so what follows it — the research notes, the end of the rejection note — does not run on.
 */
function feedbackSentence(feedback: string): string {
  const text = feedback.trim()
  return /[.!?…][”"’')\]]*$/.test(text) ? text : `${text}.`
}

export default defineWorkflow({
  name: 'research-report',
  description: 'Researches a topic, drafts a short report, asks you to approve it, then publishes it.',
  input: z.object({ topic: z.string().trim().min(1).max(200) }),
  nodes: {
    research: {
      kind: 'agent',
      instructions: 'You are a careful researcher. List the key facts, open questions and sources for the topic.',
      prompt: 'Research this topic: {{input.topic}}',
    },
    draft: {
      kind: 'agent',
      instructions: 'You write short, plain reports from research notes.',
      prompt: (state) => {
        const review = state.outputs.approval as { feedback?: string } | undefined
        // The reviewer's feedback goes first: it matters most, and short models read the start best.
        const feedback = review?.feedback?.trim() ? ` The reviewer asked for changes: ${feedbackSentence(review.feedback)}` : ''
        return `Write a short report on ${state.input.topic}.${feedback}\n\nResearch notes:\n${String(state.outputs.research)}`
      },
    },
    approval: {
      kind: 'input',
      prompt: 'Approve the draft report on “{{input.topic}}”, or reject it with feedback for a revision.',
      schema: z.object({
        approved: z.boolean(),
        feedback: z.string().max(2000).optional(),
      }),
      timeoutMs: APPROVAL_TIMEOUT_MS,
      onTimeout: 'default',
      timeoutAnswer: { approved: false, feedback: 'Nobody answered in time.' },
    },
    review: {
      kind: 'branch',
      choose: (state) => {
        const answer = state.outputs.approval as { approved: boolean }
        if (answer.approved) return 'final'
        return (state.visits.draft ?? 0) < MAX_DRAFTS ? 'draft' : 'rejected'
      },
    },
    final: {
      kind: 'output',
      value: '## Report: {{input.topic}}\n\n{{outputs.draft}}',
    },
    rejected: {
      kind: 'output',
      // Feedback is optional: a rejection without it still ends the job well.
      value: (state) => {
        const review = state.outputs.approval as { feedback?: string } | undefined
        const why = review?.feedback?.trim() ? `: ${feedbackSentence(review.feedback)}` : ' (no feedback was given).'
        return `The report on “${String(state.input.topic)}” was not approved${why}`
      },
    },
  },
  edges: [
    ['research', 'draft'],
    ['draft', 'approval'],
    ['approval', 'review'],
    ['review', 'final'],
    ['review', 'draft'],
    ['review', 'rejected'],
  ],
})
