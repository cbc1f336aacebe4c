/**
 * A plugin's settings: the convict schema fragment it declares in `@Plugin({ settings })`, filled from
 * `plugins.<id>` in config.yaml and validated strictly, exactly like the core's: a typo or a wrong
 * type stops start-up with a ConfigError naming `plugins.<id>.<key>`. The values are computed once,
 * and again only when the settings are saved, so reading them on a hot path costs a property read.
 */
import convict from 'convict';
import type { Disposable } from '../common/disposable.js';
import { toConfigError } from '../settings/settings-impl.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { PluginSettings } from './plugin-context.js';

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

export class ValidatedPluginSettings implements PluginSettings<Record<string, unknown>>, Disposable {
  private values: Record<string, unknown>;
  private readonly saved: Disposable;

  /** Throws ConfigError when `plugins.<id>` does not fit the schema. */
  constructor(
    private readonly id: string,
    private readonly schema: PluginSettingsSchema,
    private readonly settings: SettingsService,
    onRefreshFailed: (err: unknown) => void,
  ) {
    this.values = this.validate();
    this.saved = settings.onDidSave(() => {
      try {
        this.values = this.validate();
      } catch (err) {
        onRefreshFailed(err);
      }
    });
  }

  get(): Record<string, unknown> {
    return this.values;
  }

  async save(values: Partial<Record<string, unknown>>): Promise<void> {
    this.validate(values);
    this.settings.setPluginSettings(this.id, values);
    await this.settings.save();
  }

  dispose(): void {
    this.saved.dispose();
  }

  /** The schema's defaults overlaid with the file's values (and `changes`), strictly validated. */
  private validate(changes?: Record<string, unknown>): Record<string, unknown> {
    try {
      // convict's own Schema type wants the values' type; ours is checked by SettingsOf instead
      const config = convict(this.schema as convict.Schema<Record<string, unknown>>, { env: {}, args: [] });
      config.load(this.settings.pluginSettings(this.id, {}));
      if (changes) config.load(changes);
      config.validate({ allowed: 'strict' });
      return Object.freeze(config.getProperties()) as Record<string, unknown>;
    } catch (err) {
      throw toConfigError(this.settings.configFile, err, `plugins.${this.id}.`);
    }
  }
}
