/** Configuration of the Prometheus endpoint (`metrics.*`). */
import type convict from 'convict';

export interface MetricsConfig {
  metrics: { enabled: boolean; public: boolean };
}

export const metricsSchema: convict.Schema<MetricsConfig> = {
  metrics: {
    enabled: { doc: 'Serve Prometheus metrics at GET /metrics.', format: Boolean, default: true },
    public: { doc: 'Serve /metrics without an API key (by default a key is needed; Prometheus sends one as a bearer token).', format: Boolean, default: false },
  },
};
