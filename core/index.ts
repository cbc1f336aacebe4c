/**
 * cuttle's public API: everything a plugin author needs, from one import, and nothing of the host's
 * insides. Each name is listed, one line each, in docs/plugin-api.md (test/spine/public-api.test.ts
 * keeps the two in step and the count at most 60):
 *
 *     import { Plugin, OnEvent, PluginContext, inject, type EventPayload } from 'cuttle';
 *
 * Nothing deeper is part of the contract: `cuttle/<path>` does not resolve; `cuttle/testing` is the
 * one other entry point.
 */
import 'reflect-metadata';

// dependency injection
export { inject } from 'inversify';

// the plugin and its members
export { Plugin, definePlugin, OnEvent, OnAnyEvent, OnStartup, OnShutdown, Cron, Hook } from './plugins/decorators.js';
export type { PluginInfo, PluginSettingsSchema } from './plugins/plugin-info.js';
export { PluginContext, type PluginSettings } from './plugins/plugin-context.js';

// events
export type { EventName, EventPayload, CustomEventPayloads } from './events/catalogue.js';
export type { FiredEvent, AnyFiredEvent } from './events/event-bus.js';
export { eventPrinter } from './common/printer-id.js';

// building blocks
export { Disposable, DisposableStore } from './common/disposable.js';
export { Emitter, type Event } from './common/event.js';
export type { Logger } from './logging/logger.js';

// services a plugin may inject
export { PrinterRegistry, type PrinterScope, type PrinterEntry } from './printers/printer-registry.js';
export {
  PrinterService,
  type PrinterSnapshot,
  type PrinterState,
  type PrinterStateId,
  type SentCommand,
  type TemperatureSample,
  type JobFile,
  type JobProgress,
} from './printer/printer-service.js';
export type { GcodeHookContext, GcodeReceivedContext, GcodeRewrite } from './printer/hooks.js';
export { TimelapseService } from './timelapse/timelapse-service.js';
export { FileManager, type StoredFile } from './files/file-manager.js';
export { EventHistory, type LoggedEvent } from './event-log/api.js';
export { SlicingService } from './slicing/slicing-service.js';

// contribution points
export { HttpRoutes, anyOf, type Routes, type RouteAccess } from './http/routes.js';
export { Slicer } from './slicing/slicer-contribution.js';
export { SlicingError, type SlicerPlugin, type SlicerJob } from './slicing/slicing-service.js';
export { HookType, type HookRun, type CommandOutcome, type Subscription } from './event-hooks/api.js';
export type { PanelApi } from './ui/panel-api.js';
