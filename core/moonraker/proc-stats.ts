/** The host's figures as Moonraker's `machine.proc_stats` and `notify_proc_stat_update` give them, and Klipper's `system_stats`. */
import os from 'node:os';

let lastCpu = process.cpuUsage();
let lastAt = performance.now();

/** this process's CPU use since the last call, in percent of one core */
function cpuPercent(): number {
  const now = performance.now();
  const usage = process.cpuUsage(lastCpu);
  const elapsed = now - lastAt;
  lastCpu = process.cpuUsage();
  lastAt = now;
  return elapsed > 0 ? Math.round(((usage.user + usage.system) / 1000 / elapsed) * 10000) / 100 : 0;
}

export function procStats(websocketConnections: number) {
  return {
    moonraker_stats: { time: Date.now() / 1000, cpu_usage: cpuPercent(), memory: Math.round(process.memoryUsage().rss / 1024), mem_units: 'kB' },
    cpu_temp: null,
    network: {},
    system_cpu_usage: { cpu: Math.round((os.loadavg()[0]! / os.cpus().length) * 10000) / 100 },
    system_memory: { total: Math.round(os.totalmem() / 1024), available: Math.round(os.freemem() / 1024), used: Math.round((os.totalmem() - os.freemem()) / 1024) },
    websocket_connections: websocketConnections,
  };
}

/** Klipper's `system_stats`, which it refreshes once a second */
export interface SystemStats {
  sysload: number;
  cputime: number;
  /** kB */
  memavail: number;
}

const SYSTEM_STATS_MS = 1000;
let systemStatsCache: { at: number; value: SystemStats } | undefined;

/**
 * The host's load average, this process's CPU time and the memory available, read at most once a second
 * for every printer: read at each 250 ms tick, they changed at each one, and every subscriber got a
 * status update four times a second from an idle host.
 */
export function systemStats(now = performance.now()): SystemStats {
  if (!systemStatsCache || now - systemStatsCache.at >= SYSTEM_STATS_MS || now < systemStatsCache.at) {
    const usage = process.cpuUsage();
    systemStatsCache = {
      at: now,
      value: { sysload: Math.round(os.loadavg()[0]! * 100) / 100, cputime: Math.round((usage.user + usage.system) / 1e4) / 100, memavail: Math.round(os.freemem() / 1024) },
    };
  }
  return systemStatsCache.value;
}
