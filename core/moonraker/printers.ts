/**
 * The Moonraker side of every printer: one PrinterFeed per printer in the registry, made when the
 * printer is added and disposed when it is removed, and each printer's profile (read from the
 * profile files at most every few seconds: the feed asks for it four times a second).
 */
import path from 'node:path';
import { inject, injectable } from 'inversify';
import type { Disposable } from '../common/disposable.js';
import type { LifecycleContribution } from '../common/lifecycle.js';
import { DEFAULT_PROFILE, PrinterProfileStore, type PrinterProfile } from '../printer-profiles/profile-store.js';
import { PrinterRegistry, type PrinterScope } from '../printers/printer-registry.js';
import { SettingsService } from '../settings/settings-service.js';
import { PrinterFeed } from './printer-feed.js';

const PROFILE_CACHE_MS = 5_000;

@injectable()
export class MoonrakerPrinters implements LifecycleContribution {
  readonly lifecycleName = 'moonraker-printers';
  private readonly feeds = new Map<string, PrinterFeed>();
  private readonly profiles: PrinterProfileStore;
  private readonly cached = new Map<string, { profile: PrinterProfile; at: number }>();
  private registration: Disposable | undefined;

  constructor(
    @inject(PrinterRegistry) private readonly registry: PrinterRegistry,
    @inject(SettingsService) settings: SettingsService,
  ) {
    this.profiles = new PrinterProfileStore(path.join(settings.basedir, 'printerProfiles'));
  }

  start(): void {
    this.registration = this.registry.forEach((scope) => {
      const feed = new PrinterFeed(scope, () => this.profileOf(scope));
      this.feeds.set(scope.id, feed);
      return {
        dispose: () => {
          this.feeds.delete(scope.id);
          this.cached.delete(scope.id);
          feed.dispose();
        },
      };
    });
  }

  stop(): void {
    this.registration?.dispose();
  }

  feed(id: string): PrinterFeed | undefined {
    return this.feeds.get(id);
  }

  /** Klipper's names of the printer's heaters (extruder, extruder1…, heater_bed) */
  heatersOf(scope: PrinterScope): string[] {
    const profile = this.profileOf(scope);
    const tools = Array.from({ length: profile.extruder.count }, (_, i) => (i === 0 ? 'extruder' : `extruder${i}`));
    return profile.heatedBed ? [...tools, 'heater_bed'] : tools;
  }

  /** the printer's profile, the default one when its entry names none that exists */
  profileOf(scope: PrinterScope): PrinterProfile {
    const hit = this.cached.get(scope.id);
    if (hit && Date.now() - hit.at < PROFILE_CACHE_MS) return hit.profile;
    let profile: PrinterProfile;
    try {
      profile = this.profiles.get(scope.entry.profile) ?? this.profiles.get(this.profiles.defaultId()) ?? DEFAULT_PROFILE;
    } catch {
      profile = DEFAULT_PROFILE;
    }
    this.cached.set(scope.id, { profile, at: Date.now() });
    return profile;
  }
}
