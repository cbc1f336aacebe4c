/**
 * A plugin's settings: the convict schema fragment it declares in `@Plugin({ settings })`, filled from
 * `plugins.<id>` in config.yaml and validated strictly, exactly like the core's: a typo or a wrong
 * type stops start-up with a ConfigError naming `plugins.<id>.<key>`. The values are computed once,
 * and again only when the settings are saved, so reading them on a hot path costs a property read.
 */
import convict from 'convict';
import type { Disposable } from '../common/disposable.js';
import { toConfigError } from '../settings/settings-impl.js';
import { isSchemaLeaf } from '../settings/settings-schema.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { PluginSettings } from './plugin-context.js';
import type { PluginSettingsSchema } from './plugin-info.js';


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

/**
 * The leaves of a plugin's schema with their values (`path` dotted below `plugins.<id>`), for
 * `cuttle config show`. A leaf is a setting with a `default`, or convict's shorthand: a bare value.
 */
export function pluginSettingLeaves(schema: PluginSettingsSchema, values: Record<string, unknown>, prefix = ''): { path: string; value: unknown; sensitive: boolean }[] {
  const out: { path: string; value: unknown; sensitive: boolean }[] = [];
  for (const [name, node] of Object.entries(schema)) {
    const leafPath = prefix ? `${prefix}.${name}` : name;
    const value = values[name];
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && !('default' in node)) {
      out.push(...pluginSettingLeaves(node as PluginSettingsSchema, (value ?? {}) as Record<string, unknown>, leafPath));
    } else {
      out.push({ path: leafPath, value, sensitive: isSchemaLeaf(node) && (node as { sensitive?: boolean }).sensitive === true });
    }
  }
  return out;
}
