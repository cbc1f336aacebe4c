/** What this service offers to plugins (re-exported by core/index.ts). */
export * from './printer-registry.js';
export { PRINTER_ID_PATTERN } from '../common/printer-id.js';
