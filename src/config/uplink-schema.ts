/**
 * Config of the networking uplinks (联网, issue 17): per-site networking identity for the national
 * files, per-point codes (point code, sensor type, MEM quota id), and the uplinks themselves.
 * Only zod here: src/config/schema.ts pulls these in, so nothing may import the config module.
 */
import { z } from 'zod';

/** Per-point networking codes; all optional, defaults are derived (src/uplink/national/codes.ts). */
export const pointNetworkingFields = {
  point_code: z
    .string()
    .regex(/^[0-9A-Za-z]{1,28}$/)
    .optional()
    .describe('national point code (测点编码, 28 characters, MT/T 1201 appendix A.2); default <mine code><system 01><MN|KG><sensor type><8-digit seq>'),
  sensor_type: z
    .string()
    .regex(/^\d{4}$/)
    .optional()
    .describe('national sensor type code (传感器类型, 4 digits, dictionary B.2); default from the quantity where the dictionary is known'),
  quota_id: z.string().min(1).optional().describe('MEM data-access indicator code (指标编码 quotaId) issued by the regulator; a point without one is not sent on MEM uplinks'),
};

export const NetworkingSchema = z
  .object({
    mine_code: z
      .string()
      .regex(/^\d{12}$/)
      .optional()
      .describe('12-digit mine code (煤矿编码); default the site_id when it has 12 digits'),
    mine_name: z.string().min(1).optional().describe('default the site name'),
    system_code: z
      .string()
      .regex(/^\d{2}$/)
      .default('01')
      .describe('system code (系统编码, 2 digits, dictionary B.1): 01 safety monitoring'),
    system_model: z.string().default('').describe('系统型号, e.g. KJ95X'),
    system_name: z.string().default('煤矿安全监控系统'),
    manufacturer: z.string().default('').describe('生产厂家'),
    safety_mark_expiry: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('安全标志有效期 (yyyy-MM-dd) of the monitoring system'),
    substation_codes: z
      .record(z.string(), z.string().regex(/^[0-9A-Za-z]{1,17}$/))
      .optional()
      .describe('device_id → national substation code (分站编码, 17 characters, A.4); default <mine code><system><3-digit seq>'),
    enterprise_code: z.string().optional().describe('MEM enterprise code (enterpriseId); default the mine code / site_id'),
    gateway_code: z.string().optional().describe('MEM gateway code (gatewayId); default <mine code>01'),
    // personnel positioning files (RYXX, RYQY, RYJZ, RYSS, JZSS, RYCS, RYCY, RYQJ, RYXZ; src/uplink/national/personnel.ts)
    positioning_system: z
      .object({
        system_model: z.string().default('').describe('系统型号 of the positioning system, e.g. KJ251'),
        system_name: z.string().default('煤矿井下人员位置监测系统'),
        manufacturer: z.string().default(''),
        safety_mark_expiry: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional()
          .describe('安全标志有效期 (yyyy-MM-dd)'),
      })
      .strict()
      .prefault({})
      .describe('identity of the personnel positioning system in the RYXX header'),
    card_codes: z
      .record(z.string(), z.string().regex(/^\d{17}$/))
      .optional()
      .describe('card_id → national card code (人员卡编码, 17 digits); default <mine code><5-digit seq of the card>'),
    area_codes: z
      .record(z.string(), z.string().regex(/^\d{16}$/))
      .optional()
      .describe('area_id → national area code (区域编码, 16 digits); default <mine code><4-digit seq of the area>'),
    stations: z
      .record(
        z.string(),
        z
          .object({
            code: z
              .string()
              .regex(/^\d{22}$/)
              .optional()
              .describe('national reader code (基站编码, 22 digits); default <area code><6-digit seq of the reader>'),
            name: z.string().min(1).optional().describe('基站名称; default the station id'),
            location: z.string().min(1).optional().describe('位置描述; default the name of its area'),
            device_id: z.string().min(1).optional().describe('the device that reports this reader: JZSS writes its online state'),
          })
          .strict(),
      )
      .optional()
      .describe('personnel readers (基站) by station id, for RYJZ and JZSS'),
  })
  .strict();

const common = {
  uplink_id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/),
  sites: z.array(z.string()).min(1).describe('site_ids whose data this uplink carries'),
  test_target: z.boolean().default(false).describe('true: a test platform; only then are simulated readings and alarms sent (marked simulated)'),
  max_backlog_age_s: z.number().int().positive().default(3600).describe('a backlog older than this raises an uplink_backlog alarm'),
};

export const MqttUplinkSchema = z
  .object({
    ...common,
    kind: z.literal('mqtt'),
    url: z
      .string()
      .regex(/^mqtts?:\/\//)
      .describe('the upstream (county / city platform) broker, mqtt://HOST:PORT'),
    topic_prefix: z.string().min(1).default('anjian').describe('readings go to <prefix>/<site_id>/readings, alarm events to <prefix>/<site_id>/alarms'),
    client_id: z.string().min(1).max(128).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    max_in_flight: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();

export const MemUplinkSchema = z
  .object({
    ...common,
    kind: z.literal('mem'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    app_id: z.string().min(1),
    service_id: z.string().min(1),
    cipher: z.enum(['aes-128-cbc', 'sm4-cbc']).default('aes-128-cbc'),
    key: z.string().length(16).describe('16-byte key issued per enterprise (UTF-8 text)'),
    iv: z.string().length(16).describe('16-byte IV issued per enterprise (UTF-8 text)'),
    max_in_flight: z.number().int().min(1).max(1000).default(64),
    ack_timeout_ms: z.number().int().min(100).default(10_000),
  })
  .strict();

const FILE_TYPES = ['CDDY', 'FZDY', 'CDSS', 'YCBJ', 'TJSJ', 'RYXX', 'RYQY', 'RYJZ', 'RYSS', 'JZSS', 'RYCS', 'RYCY', 'RYQJ', 'RYXZ'] as const;

export const FilesUplinkSchema = z
  .object({
    ...common,
    kind: z.literal('files'),
    dir: z.string().min(1).optional().describe("a local directory (e.g. the regulator's mounted share) the files are dropped into"),
    ftp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(21),
        user: z.string().default('anonymous'),
        password: z.string().default(''),
        dir: z.string().default('/').describe('remote directory'),
        secure: z.boolean().default(false).describe('explicit FTPS (AUTH TLS)'),
      })
      .strict()
      .optional()
      .describe("the regulator's FTP server"),
    sftp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(22),
        user: z.string().min(1),
        password: z.string().optional(),
        private_key_file: z.string().min(1).optional().describe('an OpenSSH private key file (e.g. ed25519) instead of a password'),
        host_key_sha256: z
          .string()
          .optional()
          .describe("the server's host key fingerprint (base64 SHA-256, as ssh-keygen -lf prints it after SHA256:): any other key is refused; without it any host key is accepted"),
        dir: z.string().default('.').describe('remote directory'),
      })
      .strict()
      .refine((s) => (s.password === undefined) !== (s.private_key_file === undefined), 'give exactly one of password, private_key_file')
      .optional()
      .describe("the regulator's SFTP server (ssh2-sftp-client)"),
    types: z
      .array(z.enum(FILE_TYPES))
      .default([...FILE_TYPES])
      .describe('the personnel files (RY*, JZSS) are made for sites with personnel only'),
    realtime_interval_s: z.number().int().min(1).max(3600).default(30).describe('CDSS, RYSS and JZSS every cycle'),
    definitions_interval_s: z.number().int().min(60).max(86400).default(86400).describe('CDDY, FZDY, RYXX, RYQY and RYJZ when the definitions change and at least this often'),
    timeout_ms: z.number().int().min(100).default(10_000),
  })
  .strict()
  .refine((c) => [c.dir, c.ftp, c.sftp].filter((x) => x !== undefined).length === 1, 'give exactly one of dir, ftp, sftp');

export const UplinkSchema = z.discriminatedUnion('kind', [MqttUplinkSchema, MemUplinkSchema, FilesUplinkSchema]);

export type UplinkConfig = z.output<typeof UplinkSchema>;
export type MqttUplinkConfig = z.output<typeof MqttUplinkSchema>;
export type MemUplinkConfig = z.output<typeof MemUplinkSchema>;
export type FilesUplinkConfig = z.output<typeof FilesUplinkSchema>;
export type NetworkingConfig = z.output<typeof NetworkingSchema>;
