/** Configuration of the HTTP server, the API key and the folders under the basedir. */
import type convict from 'convict';

export interface ServerConfig {
  server: { host: string; port: number; cors: { enabled: boolean; origins: string[] } };
  api: { key: string; enabled: boolean; requireKey: boolean };
  folder: { uploads: string; timelapse: string; timelapseTmp: string; logs: string; data: string; slicingProfiles: string };
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; file: string };
}

export const serverSchema: convict.Schema<ServerConfig> = {
  server: {
    host: { doc: 'Address the HTTP server listens on.', format: String, default: '127.0.0.1', env: 'CUTTLE_HOST' },
    port: { doc: 'Port the HTTP server listens on (0 picks a free one).', format: 'port', default: 5000, env: 'CUTTLE_PORT' },
    cors: {
      enabled: { doc: 'Answer cross-origin requests (off by default, as in OctoPrint).', format: Boolean, default: false },
      origins: { doc: 'Origins allowed when CORS is enabled; empty means any.', format: Array, default: [] as string[] },
    },
  },
  api: {
    key: {
      doc: 'The global API key. Generated, saved and logged once on first start when empty.',
      format: String,
      default: '',
      env: 'CUTTLE_API_KEY',
      sensitive: true,
    },
    enabled: { doc: 'Serve the REST API.', format: Boolean, default: true },
    requireKey: {
      doc: 'Require a key on the API and the push channel. Only a deliberate false here turns that off.',
      format: Boolean,
      default: true,
    },
  },
  folder: {
    uploads: { doc: 'Local file storage; relative paths are under the basedir.', format: String, default: 'uploads' },
    timelapse: { doc: 'Rendered timelapse movies.', format: String, default: 'timelapse' },
    timelapseTmp: { doc: 'Frames of timelapses not rendered yet.', format: String, default: 'timelapse/tmp' },
    logs: { doc: 'Log files.', format: String, default: 'logs' },
    data: { doc: 'Plugin and service data.', format: String, default: 'data' },
    slicingProfiles: { doc: 'Slicing profiles, one folder per slicer.', format: String, default: 'slicingProfiles' },
  },
  logging: {
    level: {
      doc: 'Log level.',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'CUTTLE_LOG_LEVEL',
    },
    file: { doc: 'Log to this file (relative to the logs folder) instead of stdout; empty for stdout.', format: String, default: '' },
  },
};
