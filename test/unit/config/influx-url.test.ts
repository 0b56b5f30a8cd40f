import { describe, expect, it } from 'vitest';
import { influxFromUrl } from '../../../src/config/influx-url.js';
import { alarmLine, readingLine } from '../../../src/sinks/line-protocol.js';

describe('--influx-url', () => {
  it('means InfluxDB 1.x, database anjian, by default', () => {
    expect(influxFromUrl('http://db.local:8086')).toMatchObject({ api: 'v1', url: 'http://db.local:8086', database: 'anjian', gzip: true });
  });
  it('takes db, rp, u, p for 1.x and org, bucket, token for 2.x/3.x', () => {
    expect(influxFromUrl('http://h:8086?db=mine&rp=raw&u=gw&p=s3cret')).toMatchObject({ api: 'v1', database: 'mine', retention_policy: 'raw', username: 'gw', password: 's3cret' });
    expect(influxFromUrl('http://h:8181?org=o&bucket=b&token=t')).toMatchObject({ api: 'v2', org: 'o', bucket: 'b', token: 't' });
  });
  it('explains what is wrong', () => {
    expect(() => influxFromUrl('db.local')).toThrow(/--influx-url: "db.local" is not a URL/);
    expect(() => influxFromUrl('http://h:8086?database=x')).toThrow(/unknown parameter\(s\) database/);
    expect(() => influxFromUrl('http://h:8086?org=o')).toThrow(/the v2 API needs org, bucket and token/);
  });
});

describe('line protocol (CONTRACT §5)', () => {
  it('writes readings with escaped tags, a float value and an integer status', () => {
    const r = { site_id: '14 01', point_id: 'ch4,face=1', ts: 1700000000123, value: 1, status: 3 };
    expect(readingLine(r, 'ch4', 'gd-01')).toBe('ch4,device_id=gd-01,point_id=ch4\\,face\\=1,site_id=14\\ 01 value=1,status=3i 1700000000123');
  });
  it('writes alarm events with string fields escaped', () => {
    const alarm = { alarm_id: 'a"1', site_id: 's', point_id: 'p', type: 'over_limit', level: 'red', state: 'active_unacked', value: 1.5 } as never;
    expect(alarmLine({ event: 'raised', at: 5, alarm })).toBe('alarm,level=red,point_id=p,site_id=s,type=over_limit alarm_id="a\\"1",event="raised",state="active_unacked",value=1.5 5');
  });
});
