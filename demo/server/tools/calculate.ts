/**
 * Demo tool: evaluates arithmetic with a small parser (never `eval`), so model text cannot run as code.
 */
import { z } from 'zod'
import { evaluateArithmetic } from '../lib/arithmetic'
import { defineTool } from '../../../server/utils/define-tool'

export default defineTool({
  name: 'calculate',
  description: 'Evaluates an arithmetic expression with + - * / % ^ (power), parentheses and decimals, e.g. "(2 + 3) * 4.5".',
  parameters: z.object({
    expression: z.string().min(1).max(1000).describe('The arithmetic expression'),
  }),
  execute({ expression }) {
    return { expression, result: evaluateArithmetic(expression) }
  },
})
