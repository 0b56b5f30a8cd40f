/** Every MQTT topic of the contract (CONTRACT §3) is built and parsed here, nowhere else. */

export type DeviceTopicKind = 'up' | 'state' | 'down';

export interface DeviceTopic {
  site_id: string;
  device_id: string;
  kind: DeviceTopicKind;
}

const DEVICE_TOPIC = /^site\/([^/+#]+)\/dev\/([^/+#]+)\/(up|state|down)$/;
const ALARM_TOPIC = /^site\/([^/#]+)\/alarms$/;

export const uplinkTopic = (site_id: string, device_id: string): string => `site/${site_id}/dev/${device_id}/up`;
export const stateTopic = (site_id: string, device_id: string): string => `site/${site_id}/dev/${device_id}/state`;
export const downlinkTopic = (site_id: string, device_id: string): string => `site/${site_id}/dev/${device_id}/down`;
export const alarmTopic = (site_id: string): string => `site/${site_id}/alarms`;

export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const m = DEVICE_TOPIC.exec(topic);
  return m ? { site_id: m[1] as string, device_id: m[2] as string, kind: m[3] as DeviceTopicKind } : null;
}

/** The site of an alarm topic or subscription filter: an id, '+' (every site), or null if not one. */
export function parseAlarmTopic(topic: string): string | null {
  return ALARM_TOPIC.exec(topic)?.[1] ?? null;
}
