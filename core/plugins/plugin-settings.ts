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

/**
 * What `@Plugin({ settings })` takes: a convict schema, e.g.
 * `{ tolerance: { doc: 'degrees from the target that count as reached', format: Number, default: 1 } }`.
 * A bare value (`{ greeting: 'hi' }`) is convict's shorthand for a default whose type is checked.
 */
export type PluginSettingsSchema<T = Record<string, unknown>> = convict.Schema<T>;

export class ValidatedPluginSettings implements PluginSettings, Disposable {
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

  get<T extends object = Record<string, unknown>>(): T {
    // the plugin names its settings' shape; the values were checked against its schema
    return this.values as T;
  }

  async save<T extends object = Record<string, unknown>>(values: Partial<T>): Promise<void> {
    this.validate(values as Record<string, unknown>);
    this.settings.setPluginSettings(this.id, values as Record<string, unknown>);
    await this.settings.save();
  }

  dispose(): void {
    this.saved.dispose();
  }

  /** The schema's defaults overlaid with the file's values (and `changes`), strictly validated. */
  private validate(changes?: Record<string, unknown>): Record<string, unknown> {
    try {
      const config = convict(this.schema, { env: {}, args: [] });
      config.load(this.settings.pluginSettings(this.id, {}));
      if (changes) config.load(changes);
      config.validate({ allowed: 'strict' });
      return Object.freeze(config.getProperties()) as Record<string, unknown>;
    } catch (err) {
      throw toConfigError(this.settings.configFile, err, `plugins.${this.id}.`);
    }
  }
}
