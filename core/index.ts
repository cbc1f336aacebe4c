/**
 * cuttle's public API: everything a plugin author needs, from one import:
 *
 *     import { Plugin, OnEvent, PluginContext, inject, type EventPayload } from 'cuttle';
 *
 * Nothing deeper is part of the contract.
 */
import 'reflect-metadata';

export { inject, injectable, optional } from 'inversify';
export * from './common/disposable.js';
export * from './common/event.js';
export * from './common/lifecycle.js';
export * from './common/printer-id.js';
export * from './events/catalogue.js';
export * from './events/event-bus.js';
export * from './hooks/hook-points.js';
export * from './logging/logger.js';
export * from './plugins/decorators.js';
export * from './plugins/plugin-context.js';
export * from './plugins/contributions.js';
export type { PluginSettingsSchema } from './plugins/plugin-settings.js';
export * from './settings/settings-service.js';
export type { Config, SubscriptionConfig } from './settings/schema/index.js';
export * from './server/http-server.js';
export * from './printer/api.js';
export * from './printers/api.js';
export * from './files/api.js';
export * from './slicing/api.js';
export * from './timelapse/api.js';
export * from './push/api.js';
export * from './event-hooks/api.js';
export * from './system/shell-words.js';
export * from './system/run-process.js';
