/**
 * What every file table is made of: the file's context, a field (its name as the sources name
 * it, and how it is made), a table, and the 3-field header the data files share.
 */
import type { SiteConfig } from '../../config/schema.js';
import type { SiteIdentity } from './codes.js';
import { fileTime, textField } from './text.js';

export interface FileContext {
  site: SiteConfig;
  id: SiteIdentity;
  tz: string;
  /** When the file is made (生成时间 / 数据上传时间). */
  at: number;
}

export interface Field<R> {
  name: string;
  get(row: R, ctx: FileContext): string;
}

export interface FileTable<R> {
  type: string;
  title: string;
  /** Where the field order comes from. */
  source: string;
  header: Field<undefined>[];
  record: Field<R>[];
}

export const f = <R>(name: string, get: (row: R, ctx: FileContext) => string): Field<R> => ({ name, get });
export const t = (ms: number | undefined, ctx: FileContext) => (ms === undefined ? '' : fileTime(ms, ctx.tz));

/** The 3-field header of the data files: 煤矿编码;煤矿名称;生成时间 (CDSS writer, id 22301350910). */
export const DATA_HEADER: Field<undefined>[] = [f('煤矿编码', (_, c) => c.id.mine_code), f('煤矿名称', (_, c) => textField(c.id.mine_name)), f('生成时间', (_, c) => t(c.at, c))];
