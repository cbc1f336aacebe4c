/**
 * The shapes the app reads from the host, taken from the server's own type declarations (type-only
 * imports: nothing of core/ is bundled). When the server changes a shape, `npm run build` fails here.
 */
import type { StateFeed } from '../../../core/push/state-feed.js';
import type { eventData } from '../../../core/push/hub.js';
import type { PrinterJson } from '../../../core/printers/printer-json.js';

export type { PrinterJson };
export type { PrinterWebcam } from '../../../core/printer/printer-identity.js';
export type { StateFlags, JobJson, ProgressJson } from '../../../core/printer/octoprint-views.js';
export type { PushPrinterState, TempPoint } from '../../../core/push/printer-state.js';
export type { TemperatureReading } from '../../../core/printer/printer-service.js';

/** `history` and `current` (state-feed.ts builds both; `printer` only on socket.io, the farm view). */
export type PrinterUpdate = ReturnType<StateFeed['history']>;

/** `event` (hub.ts), with `printer` on socket.io for a printer's own event. */
export type PushEvent = ReturnType<typeof eventData> & { printer?: string };

/** `GET /api/printers` */
export interface PrinterList {
  printers: PrinterJson[];
}

/** `GET /api/connection` (core/printer/connection-routes.ts): the ports and baud rates the host would accept */
export interface ConnectionChoices {
  options: { ports: string[]; baudrates: number[] };
}

/** `GET /api/currentuser` (core/auth/routes/login.ts) */
export interface CurrentUser {
  name: string;
  permissions: string[];
  groups: string[];
}

/** The answer of `POST /api/login` that the app uses (core/auth/routes/login.ts loginResponse). */
export interface LoginAnswer {
  name: string;
  session: string;
}

import type { GcodeAnalysisResult } from '../../../core/events/analysis-result.js';
export type { GcodeAnalysisResult };

/** A `/api/files` entry as core/server/routes/file-json.ts builds it (the server types it loosely). */
export interface FileEntry {
  name: string;
  display: string;
  path: string;
  origin: 'local' | 'sdcard';
  type: string;
  typePath: string[];
  size?: number;
  date?: number;
  gcodeAnalysis?: GcodeAnalysisResult;
  prints?: { success: number; failure: number; last?: { success: boolean; date: number; printTime?: number } };
  children?: FileEntry[];
  refs: { resource: string; download?: string };
}

export interface FileListing {
  files: FileEntry[];
  free?: number;
  total?: number;
}

export type { JobRecord, HistoryTotals, JobResult } from '../../../core/history/api.js';
export type { LoggedEvent, EarlierPage } from '../../../core/event-log/api.js';

export type { UiPanelJson } from '../../../core/ui/panels.js';
export type { PanelApi, PanelEvent, PanelSubscription } from '../../../core/ui/panel-api.js';
export type { TestFireResult } from '../../../core/event-hooks/api.js';
export type { SubscriptionConfig } from '../../../core/event-hooks/settings.js';
export type { SubscriptionEntry, SubscriptionListing } from '../../../core/event-hooks/subscription-routes.js';
export type { SettingsPage } from '../../../core/settings-pages/pages.js';
export type { SettingField, SettingGroup, SettingNode } from '../../../core/settings-pages/schema-form.js';

/** the `plugin` of the push message that says a printer's entry changed (core/push/announcements.ts) */
export const PRINTERS_MESSAGE: typeof import('../../../core/push/announcements.js').PRINTERS_MESSAGE = 'core.printers';
/** the `plugin` of the push message that says the plugins' panels changed (core/ui/panel-announcements.ts) */
export const PANELS_MESSAGE: typeof import('../../../core/ui/panel-announcements.js').PANELS_MESSAGE = 'core.panels';
