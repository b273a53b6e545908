/**
 * A stand-in for demo/app/components/ThreadDeleteDialog.vue in ThreadList tests
 * (`vi.mock('…/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))`):
 * a confirm button and the dialog's error line, with the `open`/`close` the list calls.
 */
import { defineComponent, h } from 'vue'

export default defineComponent({
  props: { busy: Boolean, error: { type: String, default: null } },
  emits: ['confirm', 'cancel'],
  setup(props, { emit, expose }) {
    expose({ open: () => {}, close: () => {} })
    return () => h('div', {}, [
      h('button', { 'data-confirm-delete': true, 'onClick': () => emit('confirm') }),
      props.error ? h('p', { 'data-delete-error': true }, props.error) : null,
    ])
  },
})
