/**
 * The components ThreadView renders its turns through (TurnVersions.vue, VersionSwitcher.vue), with
 * their templates compiled for the client render (demo-client-render.ts): a test that mounts
 * ThreadView with a stand-in `JobTurn` registers these too.
 */
import type { Component } from 'vue'
import TurnVersionsSsr from '../../demo/app/components/TurnVersions.vue'
import VersionSwitcherSsr from '../../demo/app/components/VersionSwitcher.vue'
import { withClientTemplate } from './demo-client-render'

/** `{ TurnVersions, VersionSwitcher }`, for `mountClient`'s components. */
export function turnVersionComponents(): Record<string, Component> {
  return {
    TurnVersions: withClientTemplate(TurnVersionsSsr, 'demo/app/components/TurnVersions.vue') as Component,
    VersionSwitcher: withClientTemplate(VersionSwitcherSsr, 'demo/app/components/VersionSwitcher.vue') as Component,
  }
}
