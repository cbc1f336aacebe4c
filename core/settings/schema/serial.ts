/** Configuration of the printer connection (owned by core/printer). */
import type convict from 'convict';

export interface SerialConfig {
  serial: {
    port: string;
    baudrate: number;
    autoconnect: boolean;
  };
}

export const serialSchema: convict.Schema<SerialConfig> = {
  serial: {
    port: { doc: 'Serial device to connect to, or "virtual" for the built-in simulated printer.', format: String, default: 'virtual', env: 'CUTTLE_SERIAL_PORT' },
    baudrate: { doc: 'Baud rate.', format: 'nat', default: 115200 },
    autoconnect: { doc: 'Connect to the printer when the host starts.', format: Boolean, default: false },
  },
};
