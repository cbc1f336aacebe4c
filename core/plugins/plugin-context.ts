/**
 * What the host gives each plugin, injected as `@inject(PluginContext) ctx: PluginContext`:
 * its identity, its logger, its settings, a data folder, a way to fire its custom events, and a
 * DisposableStore that the host empties when the plugin stops.
 */
import type { DisposableStore } from '../common/disposable.js';
import type { AnyFiredEvent } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { PluginInfo } from './decorators.js';

export interface PluginSettings {
  /** Defaults overlaid with `plugins.<id>` from config.yaml; `T` is the plugin's settings shape. */
  get<T extends object = Record<string, unknown>>(): T;
  /** Merges values into `plugins.<id>` and saves config.yaml atomically. */
  save<T extends object = Record<string, unknown>>(values: Partial<T>): Promise<void>;
}

export interface PluginContext {
  readonly info: PluginInfo;
  readonly id: string;
  readonly logger: Logger;
  readonly settings: PluginSettings;
  /** a folder of the plugin's own under the basedir's data folder, created on first use */
  dataFolder(): string;
  /** Fires one of this plugin's declared custom events (`name` without the `plugin_<id>_` prefix). */
  fire(name: string, payload: object): AnyFiredEvent;
  /** Everything added here is disposed when the plugin stops. */
  readonly subscriptions: DisposableStore;
}
export const PluginContext = Symbol.for('cuttle.PluginContext');
