/** What this service offers to plugins (re-exported by core/index.ts). */
export * from './slicing-service.js';
export { Slicer } from './slicer-contribution.js';
