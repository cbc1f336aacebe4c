/** What this service offers to plugins (re-exported by core/index.ts), hook points included. */
export * from './printer-service.js';
export { jobFileRef } from './file-ref.js';
export type { GcodeHookContext, GcodeReceivedContext, GcodeRewrite } from './hooks.js';
export * from './octoprint-views.js';
