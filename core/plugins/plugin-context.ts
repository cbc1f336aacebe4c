/**
 * What the host gives each plugin, injected as `@inject(PluginContext) ctx: PluginContext`:
 * its identity, its logger, its settings, a data folder, a way to fire its custom events, and a
 * DisposableStore that the host empties when the plugin stops.
 */
import type { DisposableStore } from '../common/disposable.js';
import type { CustomEventPayloads } from '../events/catalogue.js';
import type { AnyFiredEvent } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { PrinterScope } from '../printers/printer-registry.js';
import type { PluginInfo, SettingsOf } from './plugin-info.js';

export interface PluginSettings<V = Record<string, unknown>> {
  /** Defaults overlaid with `plugins.<id>` from config.yaml, validated against the plugin's schema. */
  get(): V;
  /** Validates, merges the values into `plugins.<id>` and saves config.yaml atomically. */
  save(values: Partial<V>): Promise<void>;
}

/** The settings' values of a plugin whose info is `I` (any values when `I` is not known). */
export type PluginSettingsOf<I extends PluginInfo> = string extends I['id'] ? Record<string, unknown> : I['settings'] extends object ? SettingsOf<I['settings']> : Record<string, never>;

/** The custom event names `I` declares (`events: ['Greeted']`). */
export type PluginEventName<I extends PluginInfo> = string extends I['id'] ? string : NonNullable<I['events']> extends readonly (infer N extends string)[] ? N : never;

/** `print-log` → `print_log`, as customEventName spells a plugin id in its events' names. */
type Underscored<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Underscored<B>}` : S;

/** The payload of `I`'s custom event `N`: its `CustomEventPayloads` entry when one is declared, any object otherwise. */
export type PluginEventPayload<I extends PluginInfo, N extends string> =
  `plugin_${Underscored<I['id']>}_${N}` extends keyof CustomEventPayloads ? CustomEventPayloads[`plugin_${Underscored<I['id']>}_${N}`] : object;

/**
 * What the host gives each plugin, injected as `@inject(PluginContext) ctx: PluginContext<typeof info>`
 * where `info` is what `@Plugin` was given (made with `definePlugin`): its settings are then typed from
 * its schema and `fire` takes only its declared events.
 */
export interface PluginContext<I extends PluginInfo = PluginInfo> {
  readonly info: I;
  readonly id: I['id'];
  /** the printer of this instance, for a `scope: 'printer'` plugin; undefined otherwise */
  readonly printer: PrinterScope | undefined;
  readonly logger: Logger;
  readonly settings: PluginSettings<PluginSettingsOf<I>>;
  /** a folder of the plugin's own under the basedir's data folder (per printer for a per-printer plugin), created on first use */
  dataFolder(): string;
  /** Fires one of this plugin's declared custom events (`name` without the `plugin_<id>_` prefix); a per-printer instance's carry `printer`. */
  fire<N extends PluginEventName<I>>(name: N, payload: PluginEventPayload<I, N>): AnyFiredEvent;
  /** Everything added here is disposed when the plugin stops. */
  readonly subscriptions: DisposableStore;
}
export const PluginContext = Symbol.for('cuttle.PluginContext');
