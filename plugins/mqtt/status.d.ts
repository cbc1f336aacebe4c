/**
 * What `GET /plugin/mqtt/status` answers, shared by the route (index.ts) and the web app panel
 * (ui/panel.ts). Types only, as a declaration file: each of the two builds (the server's CommonJS, the
 * panel's browser module) would otherwise emit its own status.js into the same folder.
 */
export type MqttStatus =
  | { on: false }
  | {
      on: true;
      /** the broker's URL, its password left out */
      broker: string;
      connected: boolean;
      /** the filter of every topic this host publishes under */
      topics: string;
      /** the newest event seq the broker acknowledged (every earlier one included) */
      acknowledged: number;
      /** the newest event seq of the log */
      latest: number;
    };
