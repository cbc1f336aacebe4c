/** The HTTP server's settings (`server.*`): where it listens and whom it answers across origins; contributed by core/server's module (here, so that core/printers can refuse a printer's `listen` on the main port without importing the server). */
import { defineSettings } from '../settings/settings-section.js';

export const serverSettings = defineSettings('server', {
  host: { doc: 'Address the HTTP server listens on.', format: String, default: '127.0.0.1', env: 'CUTTLE_HOST' },
  port: { doc: 'Port the HTTP server listens on (0 picks a free one).', format: 'port', default: 5000, env: 'CUTTLE_PORT' },
  cors: {
    enabled: { doc: 'Answer cross-origin requests (off by default, as in OctoPrint).', format: Boolean, default: false },
    origins: { doc: 'Origins allowed when CORS is enabled; empty means any.', format: Array, default: [] as string[] },
  },
});
