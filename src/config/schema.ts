/**
 * The config file's schema (zod). One YAML file holds the gateway settings and every site with
 * its devices and points. `anjian schema` prints the JSON Schema generated from these schemas
 * (config/anjian.schema.json) so editors can complete and check the YAML. Over 300 lines: it is
 * the one schema of the file's sections, read top to bottom like the YAML; the uplink sections
 * already live in uplink-schema.ts.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { MODBUS_MODES } from '../domain/modbus-words.js';
import { QUANTITIES, type QuantityId } from '../domain/quantities.js';
import { SCENARIO_NAMES } from '../domain/scenarios.js';
import { LEVELS, POINT_KINDS, ROLES, SITE_KINDS } from '../domain/types.js';
import { NetworkingSchema, UplinkSchema, pointNetworkingFields } from './uplink-schema.js';
import { ClusterSchema } from './cluster-schema.js';

const id = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, `${what} must be 1-64 of A-Z a-z 0-9 _ . - (not starting with _ . -)`);

export const LimitSchema = z
  .object({
    direction: z.enum(['high', 'low']),
    set: z.number().describe('alarm when the value reaches this (≥ for high, ≤ for low), or passes it (> / <) when inclusive is false'),
    clear: z.number().describe('clear only once the value is back beyond this (< for high, > for low), or back at it (≤ / ≥) when inclusive is false'),
    level: z.enum(LEVELS),
    action: z.literal('power_off').optional(),
    delay_s: z.number().min(0).max(86400).optional().describe('the value must stay over the limit this long'),
    inclusive: z
      .boolean()
      .optional()
      .describe(
        'default true: set itself alarms (≥ / ≤, AQ 1029 "≥1.0 %CH4", 达到); false: only values strictly beyond set alarm (> / <) and set itself is permitted (煤矿安全规程 不得低于, 不得超过, 超过, 最高允许浓度)',
      ),
  })
  .strict();

const quantityIds = Object.keys(QUANTITIES) as [QuantityId, ...QuantityId[]];

export const PointSchema = z
  .object({
    point_id: id('point_id'),
    device_id: id('device_id'),
    channel: z.string().min(1),
    quantity: z.enum(quantityIds),
    unit: z.string().optional().describe('defaults to the quantity catalogue unit'),
    kind: z.enum(POINT_KINDS).optional().describe('defaults to the quantity kind'),
    location: z.string().min(1).describe('安装地点'),
    name: z.string().optional(),
    range: z.object({ min: z.number(), max: z.number() }).strict().optional().describe('measuring range (量程)'),
    limits: z.array(LimitSchema).default([]),
    cycle_s: z.number().positive().max(86400).optional().describe('expected reading interval (巡检周期): no reading within cycle_s + tolerance_s raises offline'),
    abnormal_cycle_s: z
      .number()
      .positive()
      .max(86400)
      .optional()
      .describe('the expected reading interval while the point is in alarm (default on tailings ponds: 1800, GB 51108-2015 §4.5.4 ≥ 1 per 30 min when abnormal)'),
    tolerance_s: z.number().min(0).max(86400).optional().describe('extra silence allowed before offline; default one cycle'),
    stuck_s: z.number().positive().optional().describe('a value that does not change at all for this long raises sensor_fault (stuck sensor)'),
    linkage: z
      .object({
        outputs: z
          .array(z.object({ device_id: id('device_id'), output: z.string().min(1).optional() }).strict())
          .min(1)
          .describe('devices (and their outputs) that a power_off limit of this point switches off'),
        feed_point: id('point_id').optional().describe('feed sensor point (feed_state, 1 = power present) that must confirm the cut'),
        feed_confirm_s: z.number().positive().max(3600).default(10).describe('the feed must read 0 this long after the command, else feed_abnormal'),
        scope: z.string().min(1).optional().describe("断电范围 in words (e.g. 工作面及其回风巷内全部非本安电气设备); default: the preset's (AQ 1029 table)"),
      })
      .strict()
      .optional()
      .describe('power-off linkage (断电控制): commands sent when a power_off limit is reached, power_on once restored'),
    fan_lockout: z
      .object({
        outputs: z
          .array(z.object({ device_id: id('device_id'), output: z.string().min(1).optional() }).strict())
          .min(1)
          .describe('what powers the heading this fan ventilates: cut while no fan runs'),
        standby_point: id('point_id').optional().describe('the standby local fan (备用局部通风机, fan_state): while it runs the heading stays ventilated and nothing is cut'),
      })
      .strict()
      .optional()
      .describe(
        '风电闭锁 (AQ 1029-2019 §3.1, standards.md §1.1/§1.4): this fan_state point (1 = running) is a local fan (局部通风机); when it stops and its standby is not running, a fan_stopped alarm is raised and power_off sent to the outputs; power_on once a fan runs again',
      ),
    derive: z
      .object({
        from: id('point_id').describe('the source point of the same site: a pond_level for freeboard / beach_length, a rainfall gauge for rain_window'),
        kind: z.enum(['freeboard', 'beach_length', 'rain_window']),
        crest_elevation: z.number().optional().describe('freeboard, beach_length: the elevation of the beach crest / dam crest (滩顶高程, m) of the design'),
        beach_slope: z.number().positive().max(1).optional().describe('beach_length: the mean slope of the dry beach (干滩坡度, m/m) of the design'),
        window_h: z.number().positive().max(72).optional().describe('rain_window: the rolling window in hours (1, 12, 24…)'),
      })
      .strict()
      .optional()
      .describe(
        'a derived point (src/alarms/derived-points.ts): 安全超高 = crest − pond level, 干滩长度 = (crest − level) / slope, or the rain of a rolling window; computed from each reading of `from`; its device channel is not read',
      ),
    tag: z.string().min(1).optional().describe('位号: the DCS tag number of the point (BIT_NO, standards.md §5.4)'),
    hazard_code: z.string().min(1).optional().describe('重大危险源编码: the major-hazard-source code the point belongs to (HAZARD_CODE, standards.md §5.4)'),
    shutoff: z
      .object({
        valves: z
          .array(z.object({ device_id: id('device_id'), output: z.string().min(1).optional() }).strict())
          .min(1)
          .describe('the emergency shut-off valves (紧急切断阀) a trip closes: close_valve commands'),
        position_point: id('point_id').optional().describe('the valve position feedback (valve_state: 1 open, 0 closed) that must confirm the close'),
        confirm_s: z.number().positive().max(3600).default(10).describe('the position must read closed this long after the command, else valve_abnormal'),
        trip_levels: z.array(z.enum(LEVELS)).min(1).default(['red']).describe('limit alarms of these levels trip the valve (default red: the 高高报/低低报 of hazchem/tag)'),
        auto_reopen: z.boolean().default(false).describe('send open_valve when the trip clears; off by default: reopening after an emergency shut-off is a deliberate act'),
      })
      .strict()
      .optional()
      .describe('emergency shut-off (紧急切断, standards.md §5.3, §7 item 10): a HH/LL limit of this point closes the valves (its own alarm type shutoff, not power_off)'),
    monitored_item: z.string().min(1).optional().describe('tailings monitored item (监测项目) this point belongs to: GB 39496 escalation (4 blue → yellow, 3 yellow → orange, 2 orange → red)'),
    preset: z.string().optional().describe('a standards preset, e.g. aq1029/coal-face (src/domain/presets); its limits come before `limits`'),
    preset_values: z.record(z.string(), z.number()).optional().describe('overrides of the preset values, e.g. {power_off: 1.2}'),
    ...pointNetworkingFields, // point_code, sensor_type, quota_id (issue 17)
  })
  .strict();

const secretFields = {
  username: z.string().min(1),
  password: z.string().min(8).optional().describe('plain secret; prefer password_sha256'),
  password_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .describe('hex SHA-256 of the password'),
};
const oneSecret = (c: { password?: string | undefined; password_sha256?: string | undefined }) => (c.password === undefined) !== (c.password_sha256 === undefined);

export const CredentialsSchema = z
  .object({
    ...secretFields,
    client_id: z.string().min(1).max(128).optional().describe('the MQTT client id this device must use; no other login may use it (issue 13)'),
  })
  .strict()
  .refine(oneSecret, 'give exactly one of password, password_sha256');

/** A site broker bridged in (e.g. mosquitto `connection` with `remote_username`): publishes for every device of its site, nothing else. */
export const BridgeSchema = z.object(secretFields).strict().refine(oneSecret, 'give exactly one of password, password_sha256');

/**
 * How the gateway polls one Modbus device (src/transport/modbus). Devices whose `host`+`port` (TCP,
 * RTU over TCP) or `path` (a serial line) are the same share one bus: one request in flight at a
 * time, so their bus settings must agree and their unit ids differ.
 */
export const ModbusSchema = z
  .object({
    mode: z.enum(MODBUS_MODES).describe('tcp: Modbus TCP (MBAP); rtu: RTU frames on a serial line (RS-485/RS-232); rtu_over_tcp: RTU frames through a serial server / DTU'),
    host: z.string().min(1).optional().describe('tcp, rtu_over_tcp: host name or address of the slave or serial server'),
    port: z.number().int().min(1).max(65535).optional().describe('tcp, rtu_over_tcp: TCP port; default 502'),
    path: z.string().min(1).optional().describe('rtu: serial device, e.g. /dev/ttyS1 or /dev/ttyUSB0'),
    baud_rate: z.number().int().positive().default(9600).describe('rtu: bits per second'),
    parity: z.enum(['none', 'even', 'odd']).default('none').describe('rtu'),
    data_bits: z
      .union([z.literal(7), z.literal(8)])
      .default(8)
      .describe('rtu'),
    stop_bits: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .describe('rtu'),
    unit_id: z.number().int().min(0).max(255).default(1).describe('slave address (unit identifier); unique per bus'),
    poll_interval_ms: z.number().int().min(100).max(3_600_000).default(5000).describe('poll cycle; on coal mines at most 30000 (AQ 6201-2019 §4.7.4: inspection cycle ≤ 30 s)'),
    timeout_ms: z.number().int().min(10).max(60_000).default(1000).describe('every request is given up after this long'),
    retries: z.number().int().min(0).max(5).default(1).describe('repeats of a request that timed out or came back corrupt (not of Modbus exceptions)'),
    offline_after_cycles: z.number().int().min(1).max(1000).default(3).describe('this many missed cycles in a row raise an offline alarm for the device'),
    max_block_gap: z.number().int().min(0).max(100).default(10).describe('registers (or bits) between two spans that one read may include to merge them into one block'),
  })
  .strict()
  .superRefine((m, ctx) => {
    const need = (key: 'host' | 'path', why: string) => m[key] === undefined && ctx.addIssue({ code: 'custom', path: [key], message: `required: ${why}` });
    const not = (key: 'host' | 'port' | 'path', why: string) => m[key] !== undefined && ctx.addIssue({ code: 'custom', path: [key], message: `not used: ${why}` });
    if (m.mode === 'rtu') need('path', 'mode rtu reads a serial line'), not('host', 'mode rtu reads a serial line (path)'), not('port', 'mode rtu reads a serial line (path)');
    else need('host', `mode ${m.mode} connects to host:port`), not('path', `mode ${m.mode} connects to host:port`);
  });

export const DeviceSchema = z
  .object({
    device_id: id('device_id'),
    profile: z.string().min(1),
    transport: z.enum(['mqtt', 'modbus']).default('mqtt').describe('mqtt: the device publishes to the embedded broker; modbus: the gateway polls it (needs `modbus`)'),
    name: z.string().optional(),
    location: z.string().optional(),
    credentials: CredentialsSchema.optional().describe('mqtt: the login of the device'),
    modbus: ModbusSchema.optional().describe('transport modbus: where and how to poll the device'),
    simulated: z
      .boolean()
      .optional()
      .describe(
        "a simulator, not a field device: its readings and alarms carry the simulated mark (status bit 512) and go only to test-target uplinks. A Modbus device so marked is played by the simulators: with gateway.simulators.enabled a slave on a free port, polled there; `anjian simulate --config` serves it on its configured port. Default: the site's `simulated`",
      ),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.transport === 'modbus' && !d.modbus) ctx.addIssue({ code: 'custom', path: ['modbus'], message: 'required: transport modbus needs a modbus block (mode, host/port or path, unit_id…)' });
    if (d.transport === 'mqtt' && d.modbus) ctx.addIssue({ code: 'custom', path: ['modbus'], message: 'a modbus block needs transport: modbus' });
    if (d.transport === 'modbus' && d.credentials) ctx.addIssue({ code: 'custom', path: ['credentials'], message: 'not used: a Modbus device does not log in to MQTT' });
  });

export const PersonnelSchema = z
  .object({
    surface_stations: z.array(z.string().min(1)).min(1).describe('stations at the shaft head: a card seen there is out of the shaft (出井)'),
    shift_limit_h: z.number().positive().max(24).default(8).describe('underground longer than this raises overtime (超时)'),
    areas: z
      .array(
        z
          .object({
            area_id: id('area_id'),
            name: z.string().min(1),
            type: z.enum(['key', 'restricted', 'permitted']).describe('重点区域 / 限制区域 / 准入区域'),
            capacity: z.number().int().positive().optional().describe('more cards than this raise overcrowding (超员)'),
            stations: z.array(z.string().min(1)).min(1),
            permitted_cards: z.array(z.string()).optional().describe('cards allowed in a restricted or permitted area'),
            district: z
              .string()
              .min(1)
              .optional()
              .describe('the level or district (水平/采区) of the area: a card assigned to other districts raises out_of_bounds here (超层越界, AQ 1119-2023 §3.1)'),
            stay_limit_min: z.number().positive().optional().describe('滞留: longer than this in the area raises area_overtime (AQ 1119-2023 §3.1 滞留时间)'),
          })
          .strict(),
      )
      .default([]),
    cards: z
      .array(
        z
          .object({
            card_id: z.string().min(1),
            name: z.string().min(1),
            special_work: z.string().min(1).optional().describe('特种作业 type of a special worker (e.g. 瓦斯检查工)'),
            districts: z.array(z.string().min(1)).min(1).optional().describe('districts (水平/采区) the person is assigned to; elsewhere out_of_bounds (超层越界)'),
            route: z
              .array(z.object({ station: z.string().min(1), within_min: z.number().positive().optional().describe('must be seen here within this many minutes of entering the shaft') }).strict())
              .min(1)
              .optional()
              .describe('特种作业人员预设路线: the readers of the route; underground elsewhere raises route_deviation, a checkpoint not reached in time checkpoint_missed'),
          })
          .strict(),
      )
      .default([]),
    danger_zones: z
      .array(z.object({ zone_id: id('zone_id'), name: z.string().min(1), edge_stations: z.array(z.string().min(1)).min(1).describe('readers at the edge of the zone') }).strict())
      .default([])
      .describe('临近危险区域 (AQ 1119-2023 §3.1): a card at an edge reader raises near_danger'),
    mine_capacity: z.number().int().positive().optional().describe('全矿井定员: more cards underground than this raise mine_overcrowding'),
    shaft_check: z
      .object({
        entry_window_s: z.number().positive().max(86400).default(600).describe('a card going underground must have been read at a surface station within this long before, else card_not_read'),
        silent_s: z.number().positive().max(86400).optional().describe('an underground card not seen this long (and not seen leaving) raises card_lost'),
      })
      .strict()
      .optional()
      .describe('card integrity at the shaft head (井口 读卡, AQ 1048-2007 / AQ 1119)'),
  })
  .strict();

export const SiteSchema = z
  .object({
    site_id: id('site_id').describe("the regulator's code, e.g. a 12-digit mine code"),
    name: z.string().min(1),
    kind: z.enum(SITE_KINDS),
    simulated: z.boolean().default(false).describe('every device of the site is a simulator (a demo site): see devices[].simulated'),
    time_zone: z.string().default('Asia/Shanghai'),
    region_code: z
      .string()
      .regex(/^\d{6}$/, 'region_code must be a 6-digit administrative division code (GB/T 2260)')
      .optional()
      .describe('administrative division (GB/T 2260: 2 digits province, 2 city, 2 county), e.g. 510821'),
    enterprise: z
      .object({ name: z.string().min(1), code: z.string().min(1).optional().describe('unified social credit code (统一社会信用代码)') })
      .strict()
      .optional()
      .describe('the enterprise that runs the site'),
    longitude: z.number().min(-180).max(180).optional().describe('CGCS2000 / WGS84 degrees east'),
    latitude: z.number().min(-90).max(90).optional().describe('CGCS2000 / WGS84 degrees north'),
    devices: z.array(DeviceSchema).default([]),
    points: z.array(PointSchema).default([]),
    personnel: PersonnelSchema.optional().describe('personnel positioning (人员定位): areas, cards, shaft-head stations'),
    major_hazards: z
      .array(
        z
          .object({
            code: z.string().min(1).describe('重大危险源编码'),
            name: z.string().min(1),
            exposed_people: z.number().int().min(0).describe('people exposed within 500 m off site (α of GB 18218 grading)'),
            substances: z
              .array(
                z
                  .object({
                    name: z.string().min(1).describe('the substance (named toxic gases get their β: 氨, 氯, 硫化氢 …)'),
                    actual_t: z.number().min(0).describe('actual quantity q in the unit, t'),
                    critical_t: z.number().positive().describe('critical quantity Q of GB 18218 表1/表2, t'),
                    category: z.enum(['toxic_gas', 'highly_toxic_gas', 'explosive', 'flammable_gas', 'other']).optional(),
                    beta: z.number().positive().optional().describe('an explicit correction factor β'),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      )
      .optional()
      .describe('hazchem major hazard sources (GB 18218-2018): R = α·Σβ·q/Q and grade 一级…四级 (src/hazard/gb18218.ts)'),
    bridge: BridgeSchema.optional().describe("the login of the site's own broker bridged in: it may publish for every device of this site and nothing else"),
    networking: NetworkingSchema.prefault({}).describe('identity in the national networking files and MEM messages (issue 17)'),
  })
  .strict();

export const TokenSchema = z
  .object({
    name: z.string().min(1),
    token: z.string().min(8).optional(),
    token_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    role: z.enum(ROLES),
    sites: z
      .union([z.literal('*'), z.array(z.string()).min(1)])
      .optional()
      .describe('the sites the token may see, or *'),
    regions: z
      .array(z.string().regex(/^\d{6}$/, 'a region is a 6-digit GB/T 2260 code, e.g. 510000 (province), 510800 (city), 510821 (county)'))
      .min(1)
      .optional()
      .describe('every site whose region_code falls under one of these divisions (with sites: both)'),
  })
  .strict()
  .refine((t) => (t.token === undefined) !== (t.token_sha256 === undefined), 'give exactly one of token, token_sha256')
  .refine((t) => t.sites !== undefined || t.regions !== undefined, 'give sites, regions or both');

export const InfluxSchema = z
  .object({
    url: z.url().describe('http://HOST:PORT of InfluxDB'),
    api: z.enum(['v1', 'v2']).default('v1').describe('v1: /write with database + retention policy (InfluxDB 1.x); v2: org + bucket + token (2.x, 3.x)'),
    database: z.string().min(1).default('anjian').describe('v1 database (created if missing)'),
    retention_policy: z.string().min(1).optional().describe('v1: write all data to this existing policy instead of the gateway-managed ones'),
    username: z.string().optional(),
    password: z.string().optional(),
    org: z.string().optional(),
    bucket: z.string().optional(),
    token: z.string().optional(),
    batch_size: z.number().int().min(1).max(100_000).default(5000).describe('lines per write to start with; the writer grows it while writes are fast and halves it when InfluxDB is busy'),
    max_batch_size: z.number().int().min(1).max(500_000).default(50_000).describe('the most lines one write carries while catching up'),
    max_in_flight: z.number().int().min(1).max(32).default(4).describe('the most writes in flight at once while catching up (fewer while InfluxDB is busy)'),
    flush_interval_ms: z.number().int().min(10).max(60_000).default(1000),
    max_outbox_bytes: z
      .number()
      .int()
      .min(1 << 20)
      .default(2 * 1024 ** 3)
      .describe('outbox bound; past 90 % an alarm is raised and /readyz fails; nothing is dropped'),
    gzip: z.boolean().default(true),
    timeout_ms: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe('a write or query is given up after this long; a write that timed out while InfluxDB still answers /ping is retried at once with a smaller batch and a longer timeout (up to 120 s)'),
  })
  .strict()
  .refine((c) => c.api === 'v1' || (c.org && c.bucket && c.token), 'the v2 API needs org, bucket and token');

const fileSchema = (what: string) => z.string().min(1).describe(what);

export const HttpTlsSchema = z.object({ cert_file: fileSchema('PEM certificate (chain) file'), key_file: fileSchema('PEM private key file') }).strict();

export const MqttTlsSchema = z
  .object({
    host: z.string().optional().describe('defaults to gateway.mqtt.host'),
    port: z.number().int().min(0).max(65535).default(8883),
    cert_file: fileSchema('PEM certificate (chain) file'),
    key_file: fileSchema('PEM private key file'),
    ca_file: fileSchema('PEM CA certificates that issue device certificates').optional(),
    client_certs: z
      .enum(['off', 'optional', 'required'])
      .default('off')
      .describe('optional: a device may log in with a certificate whose CN or SAN DNS name is its credentials.username; required: it must'),
  })
  .strict()
  .refine((t) => t.client_certs === 'off' || t.ca_file !== undefined, { message: 'client_certs needs ca_file', path: ['ca_file'] });

export const GatewaySchema = z
  .object({
    data_dir: z.string().default('./data'),
    profiles_dir: z
      .string()
      .min(1)
      .optional()
      .describe('a directory of data-file Modbus device profiles (<id>.yaml, .yml or .json; see devices/README.md), read at start without a rebuild; relative to the working directory'),
    http: z
      .object({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8080),
        tls: HttpTlsSchema.optional().describe('serve the API and the console over HTTPS'),
      })
      .strict()
      .prefault({}),
    mqtt: z
      .object({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(1883),
        max_payload_bytes: z
          .number()
          .int()
          .min(256)
          .max(1 << 24)
          .default(65536)
          .describe('larger payloads become dead letters'),
        max_packet_bytes: z
          .number()
          .int()
          .min(1024)
          .max(1 << 28)
          .default(1 << 20)
          .describe('larger packets close the connection'),
        max_client_id_bytes: z.number().int().min(23).max(65535).default(128).describe('longer client ids get CONNACK 2 (MQTT 3.1.1 §3.1.3-5 requires at least 23)'),
        tls: MqttTlsSchema.optional().describe('an MQTT over TLS listener (8883), optionally with client certificates'),
      })
      .strict()
      .prefault({}),
    allow_anonymous: z.boolean().default(false).describe('only for demos: anyone may publish as any device'),
    login_throttle: z
      .object({
        base_delay_ms: z.number().int().min(0).max(60_000).default(250).describe('after n failed logins in a row from one address, its next login is answered after base · 2^(n-1) ms'),
        max_delay_ms: z.number().int().min(0).max(600_000).default(30_000),
        forget_after_ms: z.number().int().min(1000).default(900_000).describe('an address without failures this long is forgotten'),
        max_entries: z.number().int().min(100).default(10_000).describe('addresses remembered at most (oldest forgotten first)'),
      })
      .strict()
      .prefault({})
      .describe('failed MQTT and API logins are throttled per source address'),
    tokens: z.array(TokenSchema).default([]),
    max_clock_skew_s: z.number().min(0).default(300).describe('readings stamped further in the future are refused'),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    influx: InfluxSchema.optional().describe('InfluxDB to write every reading to; without it the embedded store answers queries'),
    store: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
          .describe('the shared PostgreSQL store (postgres://USER:PASS@HOST:PORT/DB); without it the embedded SQLite store in data_dir'),
      })
      .strict()
      .optional()
      .describe('where readings, alarms and the outboxes are stored (issue 15): PostgreSQL, or by default SQLite in data_dir'),
    retention: z
      .object({
        readings_days: z.number().int().min(7).default(93).describe('raw readings: ≥ 3 months (standards.md §1.5, 2016 proposal; AQ 6201 minimum 7 d)'),
        alarms_days: z.number().int().min(365).default(730).describe('alarms and their events: ≥ 2 years (standards.md §1.5)'),
        schedule: z
          .string()
          .refine((v) => cron.validate(v), 'not a valid cron expression (minute hour day month weekday)')
          .default('17 3 * * *')
          .describe('cron schedule of the embedded-store retention job'),
      })
      .strict()
      .prefault({}),
    cluster: ClusterSchema.optional().describe('several instances on one PostgreSQL share the sites (issue 15; README: Cluster)'),
    uplinks: z.array(UplinkSchema).default([]).describe('networking upward (联网): upstream MQTT brokers and MEM data-access servers, each with store-and-forward (issue 17)'),
    simulators: z
      .object({
        enabled: z.boolean().default(false),
        scenario: z.enum(SCENARIO_NAMES).default('steady'),
        interval_ms: z.number().int().min(100).default(2000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    schema_version: z.literal(1),
    gateway: GatewaySchema.prefault({}),
    sites: z.array(SiteSchema).min(1),
  })
  .strict();

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.output<typeof ConfigSchema>;
export type SiteConfig = Config['sites'][number];
export type DeviceConfig = SiteConfig['devices'][number];
export type ModbusConfig = z.output<typeof ModbusSchema>;
export type PointConfig = SiteConfig['points'][number];
export type TokenConfig = Config['gateway']['tokens'][number];
export type InfluxConfig = z.output<typeof InfluxSchema>;
