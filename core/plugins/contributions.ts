/**
 * Contribution points (Theia's pattern, in decorator form): a core service offers a class decorator,
 * e.g. `@Slicer()` or `@HookType()`; a plugin class that carries it implements that service's
 * interface and is handed to the service when the plugin loads, and withdrawn when it stops.
 * The plugin host knows no service: it only matches a decorator's kind with a bound point.
 */
import type { Disposable } from '../common/disposable.js';
import type { PluginContext } from './plugin-context.js';
import type { PluginInfo } from './plugin-info.js';

export interface ContributionPoint {
  /** the decorator kind this point accepts, e.g. "slicer" */
  readonly kind: string;
  /** Registers the plugin's instance with the service; the Disposable withdraws it. */
  contribute(instance: object, plugin: PluginContext): Disposable;
}
export const ContributionPoint = Symbol.for('cuttle.ContributionPoint');

const KINDS = Symbol.for('cuttle.plugin.contributions');
type Marked = { [KINDS]?: readonly string[] };

/**
 * Makes the class decorator of a contribution point. The decorated class must implement `T`,
 * which the compiler checks: `@Slicer()` on a class that is not a SlicerPlugin does not compile.
 */
export function contributionDecorator<T extends object>(kind: string): () => <C extends abstract new (...args: never[]) => T>(target: C) => void {
  return () => (target) => {
    const marked = target as unknown as Marked;
    marked[KINDS] = [...(marked[KINDS] ?? []), kind];
  };
}

export function contributionKinds(target: unknown): readonly string[] {
  return typeof target === 'function' ? ((target as Marked)[KINDS] ?? []) : [];
}

/**
 * A core service that reads a part of plugins' info (the web app reads `ui`): checked when a plugin
 * loads, applied while it runs. The plugin host knows no such service; it calls every one bound.
 */
export interface PluginInfoReader {
  /** Throws when the info is wrong for this service: the plugin fails to load, with that reason. */
  check(info: PluginInfo, folder: string): void;
  /** The plugin started: the Disposable withdraws what was applied when it stops or fails. */
  apply(info: PluginInfo, folder: string): Disposable;
}
export const PluginInfoReader = Symbol.for('cuttle.PluginInfoReader');
