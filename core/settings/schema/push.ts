/** Configuration of the live push channel (owned by core/push). */
import type convict from 'convict';

export interface PushConfig {
  push: { rateHz: number };
}

export const pushSchema: convict.Schema<PushConfig> = {
  push: {
    rateHz: { doc: 'Most `current` messages per second to one client.', format: Number, default: 2 },
  },
};
