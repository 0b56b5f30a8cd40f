/**
 * Modbus polling (issue 3): 1,000 KJ-F16 substations × 10 registers (5 analog channels and their
 * 5 state words, one 13-register read each) on 10 simulated TCP slaves of 100 units each, in a
 * separate process, polled by the gateway every 1 s for BENCH_MODBUS_S seconds (default 30):
 * points/s stored and whether every cycle ran on time (late or dropped cycles, failed cycles), and
 * the most requests ever outstanding at one slave (must stay 1). Baseline in the same run: bare
 * modbus-serial clients, one per slave, reading the same blocks back to back as fast as they can;
 * the ratio is the share of that bare capacity the 1 s workload uses. A second gateway run at
 * 100 ms (10× the load) shows where the gateway saturates, as a ratio to the same baseline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU as Client } from 'modbus-serial/ModbusRTU.js';
import { parseConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/log.js';
import { type Figure, sleep } from './lib.js';

const PORTS = 10;
const UNITS = 100;
const DEVICES = PORTS * UNITS;
const CHANNELS = ['ch4_t1', 'co', 'o2', 'temperature', 'wind_speed'];
const REGISTERS = 13; // IR 0–4 values + IR 8–12 state words, merged across the gap (max_block_gap 10)
const SECONDS = Number(process.env.BENCH_MODBUS_S ?? 30);
const TOKEN = 'bench-modbus-token';

function startSlaves(): Promise<{ child: ChildProcess; ports: number[]; stop(): Promise<{ requests: number; max_outstanding: number }> }> {
  const specFile = join(mkdtempSync(join(tmpdir(), 'anjian-spec-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify({ ports: PORTS, units: UNITS }));
  const child = spawn(process.execPath, [join(import.meta.dirname, 'modbus-slaves.js'), specFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) (waiters.shift() ?? ((l: string) => lines.push(l)))(line);
  });
  const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift() as string) : waiters.push(resolve)));
  return next().then((first) => ({
    child,
    ports: (JSON.parse(first) as { ports: number[] }).ports,
    async stop() {
      const done = next();
      child.kill('SIGTERM');
      return JSON.parse(await done) as { requests: number; max_outstanding: number };
    },
  }));
}

/** Bare modbus-serial clients, one per slave, reading every unit's block back to back. */
async function baseline(ports: number[]): Promise<{ reads: number; seconds: number }> {
  const Ctor = ModbusSerial as unknown as new () => Client;
  const clients = await Promise.all(
    ports.map(async (port) => {
      const c = new Ctor();
      c.setTimeout(1000);
      await c.connectTCP('127.0.0.1', { port });
      return c;
    }),
  );
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let reads = 0;
  await Promise.all(
    clients.map(async (c) => {
      for (let u = 1; performance.now() < end; u = (u % UNITS) + 1) {
        c.setID(u);
        await c.readInputRegisters(0, REGISTERS);
        reads++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const c of clients) c.close(() => undefined);
  return { reads, seconds };
}

function benchYaml(ports: number[], intervalMs: number): string {
  const lines = [
    'schema_version: 1',
    'gateway:',
    '  log_level: error',
    `  tokens: [{ name: bench, token: ${TOKEN}, role: admin, sites: '*' }]`,
    'sites:',
    "  - site_id: '140100009998'",
    '    name: modbus bench',
    '    kind: coal_mine',
    '    devices:',
  ];
  for (let d = 0; d < DEVICES; d++) {
    lines.push(
      `      - { device_id: kj${d}, profile: anjian-kj-substation, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports[d % PORTS]}, unit_id: ${Math.floor(d / PORTS) + 1}, poll_interval_ms: ${intervalMs}, timeout_ms: 1000 } }`,
    );
  }
  lines.push('    points:');
  for (let d = 0; d < DEVICES; d++) {
    for (const c of CHANNELS)
      lines.push(
        `      - { point_id: kj${d}-${c}, device_id: kj${d}, channel: ${c}, quantity: ${c === 'ch4_t1' ? 'ch4' : c}, location: bench${c === 'ch4_t1' ? ', limits: [{ direction: high, set: 1.0, clear: 1.0, level: yellow }]' : ''} }`,
      );
  }
  return lines.join('\n');
}

async function metric(httpPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
}

async function counters(httpPort: number) {
  const devices = (await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/sites/140100009998/devices`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
    modbus: { cycles: number; late_cycles: number; failed_cycles: number };
  }[];
  const sum = (k: 'cycles' | 'late_cycles' | 'failed_cycles') => devices.reduce((n, d) => n + d.modbus[k], 0);
  return { cycles: sum('cycles'), late: sum('late_cycles'), failed: sum('failed_cycles') };
}

async function throughGateway(ports: number[], intervalMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const config = parseConfig(benchYaml(ports, intervalMs), 'bench', (c) => {
    c.gateway.data_dir = dir;
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt = { ...c.gateway.mqtt, host: '127.0.0.1', port: 0 };
  });
  const gw = await startGateway(config, createLogger('error'));
  try {
    await sleep(Math.max(3000, intervalMs * 3)); // connect, settle
    const r0 = await metric(gw.httpPort, 'anjian_readings_total');
    const c0 = await counters(gw.httpPort);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const r1 = await metric(gw.httpPort, 'anjian_readings_total');
    const c1 = await counters(gw.httpPort);
    return {
      points: (r1 - r0) / seconds,
      cycles: c1.cycles - c0.cycles,
      late: c1.late - c0.late,
      failed: c1.failed - c0.failed,
      cpu: (cpu.user + cpu.system) / 1e6 / seconds,
      expected: (DEVICES * seconds * 1000) / intervalMs,
    };
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function modbusLeg(log: (s: string) => void): Promise<Figure[]> {
  const slaves = await startSlaves();
  try {
    log(`modbus: baseline, bare modbus-serial clients on ${PORTS} slaves, ${SECONDS} s`);
    const base = await baseline(slaves.ports);
    const basePoints = (base.reads / base.seconds) * CHANNELS.length;
    log(`modbus: gateway, ${DEVICES} devices × 10 registers every 1 s, ${SECONDS} s`);
    const gw = await throughGateway(slaves.ports, 1000);
    log(`modbus: gateway, the same devices every 100 ms (saturation), ${SECONDS} s`);
    const fast = await throughGateway(slaves.ports, 100);
    const stats = await slaves.stop();
    const cyclesPerSecond = DEVICES; // 1 s cycle
    return [
      { leg: 'modbus', name: `baseline: bare modbus-serial clients, ${PORTS} slaves, back-to-back ${REGISTERS}-register reads`, value: Math.round(basePoints), unit: 'points/s' },
      {
        leg: 'modbus',
        name: `gateway: ${DEVICES} devices × 10 registers, 1 s cycle (target ${DEVICES * CHANNELS.length} points/s)`,
        value: Math.round(gw.points),
        unit: 'points/s',
        ratio: gw.points / basePoints,
        target: `${DEVICES * CHANNELS.length}/s, no late cycle`,
      },
      { leg: 'modbus', name: 'gateway, 1 s cycle: cycles run / expected', value: gw.cycles, unit: `of ${Math.round(gw.expected)}` },
      { leg: 'modbus', name: 'gateway, 1 s cycle: late or dropped cycles', value: gw.late, unit: 'cycles', target: '0' },
      { leg: 'modbus', name: 'gateway, 1 s cycle: failed cycles (no answer)', value: gw.failed, unit: 'cycles', target: '0' },
      { leg: 'modbus', name: 'gateway, 1 s cycle: CPU of the gateway process', value: Math.round(gw.cpu * 100), unit: '% of one core' },
      {
        leg: 'modbus',
        name: `gateway: the same devices every 100 ms (saturation; ${cyclesPerSecond * 10} reads/s asked)`,
        value: Math.round(fast.points),
        unit: 'points/s',
        ratio: fast.points / basePoints,
      },
      { leg: 'modbus', name: 'gateway, 100 ms cycle: cycles run / asked', value: fast.cycles, unit: `of ${Math.round(fast.expected)}` },
      { leg: 'modbus', name: 'most requests outstanding at one slave (one in flight per bus)', value: stats.max_outstanding, unit: 'requests', target: '1' },
    ];
  } finally {
    if (slaves.child.exitCode === null) slaves.child.kill('SIGKILL');
  }
}
