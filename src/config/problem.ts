/** One problem of a config: `path: message`, the path pointing at the offending key. */
export interface Problem {
  path: string;
  message: string;
}
