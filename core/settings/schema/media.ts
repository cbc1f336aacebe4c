/** Configuration of slicing and timelapses (owned by core/slicing and core/timelapse). */
import type convict from 'convict';

export interface MediaConfig {
  slicing: { enabled: boolean };
  timelapse: { type: 'off' | 'zchange' | 'timed' };
}

export const mediaSchema: convict.Schema<MediaConfig> = {
  slicing: {
    enabled: { doc: 'Offer slicing.', format: Boolean, default: true },
  },
  timelapse: {
    type: { doc: 'Timelapse mode: off, zchange (a frame per layer) or timed.', format: ['off', 'zchange', 'timed'], default: 'off' },
  },
};
