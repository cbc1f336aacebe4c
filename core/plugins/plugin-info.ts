/**
 * What a plugin says about itself in `@Plugin(info)`, and its settings' schema with the type of the
 * values it describes. A leaf: the decorators, the context and the settings all build on it.
 */

/** One setting of a plugin's schema, as convict takes it. */
export interface PluginSetting {
  doc?: string;
  /** `Boolean`, `Number`, `String`, `Array`, `'nat'`, `'int'`, `'port'`, `'url'`, a list of allowed values, or a checking function */
  format?: unknown;
  default: unknown;
  nullable?: boolean;
  /** shown as [Sensitive] by `cuttle config` */
  sensitive?: boolean;
}

/**
 * What `@Plugin({ settings })` takes: a convict schema, e.g.
 * `{ tolerance: { doc: 'degrees from the target that count as reached', format: Number, default: 1 } }`.
 * A bare value (`{ greeting: 'hi' }`) is convict's shorthand for a default whose type is checked; an
 * object without `default` groups settings. The values' type is inferred from it (`SettingsOf`).
 */
export interface PluginSettingsSchema {
  readonly [key: string]: PluginSetting | PluginSettingsSchema | string | number | boolean | null | readonly unknown[];
}

/** `true` → boolean, `5` → number, `'x'` → string (a literal default stands for its type). */
type Widen<D> = D extends boolean ? boolean : D extends number ? number : D extends string ? string : D extends readonly (infer E)[] ? Widen<E>[] : D;

type NumberFormat = NumberConstructor | 'nat' | 'int' | 'port' | 'duration' | 'timestamp';
type StringFormat = StringConstructor | 'url' | 'email' | 'ipaddress' | 'windows_named_pipe' | 'port_or_windows_named_pipe';

/** The value type of a format (a checking function's is its default's). */
type FormatValue<F, D> = F extends BooleanConstructor
  ? boolean
  : F extends NumberFormat
    ? number
    : F extends StringFormat
      ? string
      : F extends readonly (infer V)[]
        ? V
        : Widen<D>;

type SettingValue<S> = S extends { default: infer D }
  ? (S extends { format: infer F } ? FormatValue<F, D> : Widen<D>) | (S extends { nullable: true } ? null : never)
  : S extends readonly unknown[]
    ? Widen<S>
    : S extends object
      ? SettingsOf<S>
      : Widen<S>;

/** The values a schema describes: `{ interval: { format: 'nat', default: 5 } }` → `{ readonly interval: number }`. */
export type SettingsOf<S> = { readonly [K in keyof S]: SettingValue<S[K]> };

/**
 * One piece of the web app a plugin adds (`@Plugin({ ui: [...] })`): an ES module that exports
 * `mount(element, api: PanelApi)`, shown at `location` to users holding `permission`.
 */
export interface PluginUi {
  /** unique within the plugin: lower case letters, digits and dashes */
  id: string;
  title: string;
  /** 'printer': a panel on each printer's page; 'tab': a tab of each printer's page (mounted while selected); 'card': a section on each farm card; 'farm': a panel on the farm; 'settings': a page of the settings */
  location: 'printer' | 'tab' | 'card' | 'farm' | 'settings';
  /** the built module, relative to the plugin's package folder and inside it: one .js/.mjs file of at most 1 MB */
  module: string;
  /** a permission key the user must hold to see it (the host still checks every call the panel makes) */
  permission?: string;
}

export interface PluginInfo {
  /** unique, lower case, letters, digits and dashes; names the settings under `plugins.<id>` */
  id: string;
  name: string;
  version: string;
  description: string;
  /**
   * the convict schema of this plugin's settings (`plugins.<id>` in config.yaml), validated at start
   * like the core's; with none, any value under `plugins.<id>` is refused as unknown
   */
  settings?: PluginSettingsSchema;
  /** custom events this plugin fires, each declared as `plugin_<id>_<name>` */
  events?: readonly string[];
  /**
   * 'printer': one instance per printer (each added printer gets one, a removed printer's is shut
   * down), built with that printer's PrinterService and TimelapseService, hearing only that printer's
   * events (and the shared ones). Default 'host': one instance.
   */
  scope?: 'host' | 'printer';
  /** the web app's panels, cards' sections and settings pages it adds, registered while the plugin runs */
  ui?: readonly PluginUi[];
}
