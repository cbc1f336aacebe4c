/**
 * The settings pages the web app renders as forms: a few core sections people change from a browser
 * (the webcam, timelapses, event hooks), and one page per loaded plugin that declares settings. A
 * page is read with its fields and values (secrets redacted) and changed all at once: validated by
 * the same schema as at start-up, applied and saved, or refused naming the key.
 */
import { eventHooksSettings } from '../event-hooks/settings.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import { isSchemaLeaf } from '../settings/settings-schema.js';
import type { SettingsSection } from '../settings/settings-section.js';
import { ConfigError, type SettingsService } from '../settings/settings-service.js';
import { timelapseSettings, webcamSettings } from '../timelapse/settings.js';
import { changedLeaves, describeSchema, FieldError, redactedValues, type SettingNode } from './schema-form.js';

export interface SettingsPage {
  /** the settings' key in config.yaml: `webcam`, `plugins.mqtt` */
  id: string;
  title: string;
  description: string;
  owner: 'core' | 'plugin';
  fields: SettingNode[];
  /** the values now, nested as the fields; sensitive ones '' */
  values: Record<string, unknown>;
}

interface CorePage {
  section: SettingsSection;
  title: string;
  description: string;
  /** keys with their own editor (event subscriptions) */
  omit?: string[];
}

const CORE_PAGES: readonly CorePage[] = [
  { section: webcamSettings, title: 'Webcam', description: "The host's camera: printers without webcam URLs of their own show it, and timelapses capture from it." },
  { section: timelapseSettings, title: 'Timelapse', description: 'How timelapses are captured and rendered.' },
  { section: eventHooksSettings, title: 'Event hooks', description: 'Whether event subscriptions run, and how long a command may take.', omit: ['events.subscriptions'] },
];

export class SettingsPages {
  constructor(
    private readonly settings: SettingsService,
    private readonly plugins: PluginHost | undefined,
  ) {}

  list(): SettingsPage[] {
    const core = CORE_PAGES.map((page) => this.corePage(page));
    const plugins = (this.plugins?.list() ?? []).flatMap((record) => {
      const page = record.state === 'loaded' ? this.pluginPage(record.id) : undefined;
      return page ? [page] : [];
    });
    return [...core, ...plugins];
  }

  get(id: string): SettingsPage | undefined {
    const core = CORE_PAGES.find((page) => page.section.key === id);
    if (core) return this.corePage(core);
    return id.startsWith('plugins.') ? this.pluginPage(id.slice('plugins.'.length)) : undefined;
  }

  /**
   * Applies `patch` (nested as the page's values) and saves config.yaml. Throws FieldError naming the
   * key of an unknown setting or a refused value; nothing changes then.
   */
  async update(id: string, patch: unknown): Promise<SettingsPage | undefined> {
    const page = this.get(id);
    if (!page) return undefined;
    const leaves = changedLeaves(page.fields, patch, page.id);
    try {
      if (page.owner === 'plugin') await this.updatePlugin(id.slice('plugins.'.length), leaves);
      else if (leaves.length) {
        this.settings.setMany(leaves);
        await this.settings.save();
      }
    } catch (err) {
      if (err instanceof ConfigError) throw new FieldError(err.key || page.id, err.problem);
      throw err;
    }
    return this.get(id);
  }

  private corePage({ section, title, description, omit }: CorePage): SettingsPage {
    const values = this.settings.valueAt(section.key) as Record<string, unknown>;
    const fields = isSchemaLeaf(section.schema) ? [] : describeSchema(section.schema, section.key, values, omit);
    return { id: section.key, title, description, owner: 'core', fields, values: redactedValues(fields, values) };
  }

  private pluginPage(pluginId: string): SettingsPage | undefined {
    const running = this.plugins?.settingsOf(pluginId);
    const record = this.plugins?.list().find((r) => r.id === pluginId);
    if (!running || !record || Object.keys(running.schema).length === 0) return undefined;
    const id = `plugins.${pluginId}`;
    const values = running.settings.get();
    const fields = describeSchema(running.schema, id, values);
    return { id, title: record.name, description: record.description, owner: 'plugin', fields, values: redactedValues(fields, values) };
  }

  /**
   * Saves the leaves changed through the plugin's own settings (validated by its schema). A group is
   * written whole, its other members as they are now, so none of them is lost from config.yaml.
   */
  private async updatePlugin(pluginId: string, leaves: readonly [string, unknown][]): Promise<void> {
    if (leaves.length === 0) return;
    const { settings } = this.plugins!.settingsOf(pluginId)!;
    const prefix = `plugins.${pluginId}.`;
    const changes: Record<string, unknown> = {};
    for (const [key, value] of leaves) {
      const [top, ...rest] = key.slice(prefix.length).split('.');
      if (rest.length && changes[top!] === undefined) changes[top!] = structuredClone(settings.get()[top!]);
      setIn(changes, [top!, ...rest], value);
    }
    await settings.save(changes);
  }
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[path.at(-1)!] = value;
}
