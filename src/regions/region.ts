/**
 * Administrative divisions (GB/T 2260-2007 codes, 6 digits: 2 province, 2 city/prefecture, 2
 * county). A scope code covers every code below it: 510000 covers all of Sichuan, 510800 the city
 * of Guangyuan, 510821 the county of Wangcang. Province and city of a site derive from its code.
 */
import { CITY_NAMES, PROVINCE_NAMES } from './names.js';

/** The significant prefix of a division code: 510000 → 51, 510800 → 5108, 510821 → 510821. */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Does the division `scope` contain (or equal) the division `code`? */
export function regionCovers(scope: string, code: string | undefined): boolean {
  return code?.startsWith(regionPrefix(scope)) === true;
}

export interface RegionInfo {
  region_code: string;
  province_code: string;
  province: string | null;
  city_code: string;
  city: string | null;
}

/** Province and city codes (and the names this gateway knows) of a 6-digit division code. */
export function regionInfo(code: string): RegionInfo {
  const province_code = `${code.slice(0, 2)}0000`;
  const city_code = `${code.slice(0, 4)}00`;
  return { region_code: code, province_code, province: PROVINCE_NAMES[province_code] ?? null, city_code, city: CITY_NAMES[city_code] ?? null };
}

/** The division a roll-up groups a site under at a given level. */
export function regionAt(code: string, level: 'province' | 'city' | 'county'): string {
  if (level === 'province') return `${code.slice(0, 2)}0000`;
  if (level === 'city') return `${code.slice(0, 4)}00`;
  return code;
}
