/** Demo components imported by unit tests (tests/support/demo-component.ts): compiled by the unit project's Vue plugin. */
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<Record<string, unknown>, Record<string, unknown>, unknown>
  export default component
}
