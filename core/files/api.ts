/** What this service offers to plugins (re-exported by core/index.ts). */
export * from './file-manager.js';
export * from '../events/analysis-result.js';
