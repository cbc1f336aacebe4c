/**
 * Home Assistant MQTT discovery: retained configs under `<prefix>/<component>/<node>/<object>/config`
 * so each printer appears as a device with sensors (state, progress, time left, one per heater) and
 * buttons (pause, resume, cancel), available while the host's status topic says `online`.
 */
import { topicLevel, type Topics } from './topics.js';

export const COMMANDS = ['pause', 'resume', 'cancel'] as const;
export type Command = (typeof COMMANDS)[number];

export interface DiscoveryConfig {
  topic: string;
  config: Record<string, unknown>;
}

/** The device node id: unique per host and printer, letters, digits, `_` and `-` only. */
export function nodeId(hostId: string, printer: string): string {
  return `cuttle_${hostId}_${printer}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function printerDiscovery(prefix: string, topics: Topics, hostId: string, printer: string, heaters: readonly string[]): DiscoveryConfig[] {
  const node = nodeId(hostId, printer);
  const common = {
    availability_topic: topics.status,
    payload_available: 'online',
    payload_not_available: 'offline',
    device: { identifiers: [node], name: `${hostId} ${printer}`, manufacturer: 'cuttle', model: '3D printer host' },
  };
  const sensor = (object: string, config: Record<string, unknown>): DiscoveryConfig => ({
    topic: `${prefix}/sensor/${node}/${object}/config`,
    config: { ...common, unique_id: `${node}_${object}`, object_id: `${node}_${object}`, ...config },
  });
  const configs = [
    sensor('state', { name: 'State', state_topic: topics.state(printer), value_template: '{{ value_json.text }}' }),
    sensor('progress', {
      name: 'Progress',
      state_topic: topics.progress(printer),
      unit_of_measurement: '%',
      value_template: '{{ (value_json.completion or 0) | round(1) }}',
    }),
    sensor('time_left', {
      name: 'Time left',
      state_topic: topics.progress(printer),
      unit_of_measurement: 's',
      device_class: 'duration',
      value_template: '{{ value_json.printTimeLeft or 0 }}',
    }),
    ...heaters.map((heater) =>
      sensor(`temperature_${topicLevel(heater)}`, {
        name: `Temperature ${heater}`,
        state_topic: topics.temperature(printer, heater),
        unit_of_measurement: '°C',
        device_class: 'temperature',
        value_template: '{{ value_json.actual }}',
      }),
    ),
  ];
  for (const command of COMMANDS) {
    configs.push({
      topic: `${prefix}/button/${node}/${command}/config`,
      config: {
        ...common,
        name: command[0]!.toUpperCase() + command.slice(1),
        unique_id: `${node}_${command}`,
        object_id: `${node}_${command}`,
        command_topic: topics.command(printer, command),
        payload_press: command,
      },
    });
  }
  return configs;
}
