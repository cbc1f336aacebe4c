/** The Prometheus endpoint's settings (`metrics.*`), contributed by metricsModule. */
import { defineSettings } from '../settings/settings-section.js';

export const metricsSettings = defineSettings('metrics', {
  enabled: { doc: 'Serve Prometheus metrics at GET /metrics.', format: Boolean, default: true },
  public: { doc: 'Serve /metrics without an API key (by default a key is needed; Prometheus sends one as a bearer token).', format: Boolean, default: false },
});
