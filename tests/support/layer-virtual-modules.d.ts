/**
 * The layer's build-time virtual modules (lib/module.ts writes them into `.nuxt`), for the tests
 * that load a server plugin with them mocked (`vi.mock('#background-jobs/preset', …)`).
 */
declare module '#background-jobs/preset' {
  export const preset: string
}
