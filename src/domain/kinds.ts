/** Kinds of points and sites (CONTRACT §2) and the roles of API tokens (§4), each the one list the types, the zod enums and the console derive from. No Node types here: the console imports it. */

/** Point kinds (CONTRACT §2): the one list. */
export const POINT_KINDS = ['analog', 'switch', 'cumulative'] as const;
export type PointKind = (typeof POINT_KINDS)[number];

/** Site kinds (CONTRACT §2): coal mine, non-coal mine, tailings pond, hazchem major hazard source. */
export const SITE_KINDS = ['coal_mine', 'noncoal_mine', 'tailings_pond', 'hazchem'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** Roles of API tokens (CONTRACT §4): the config's tokens, /api/v1/whoami and the console. */
export const ROLES = ['viewer', 'operator', 'regulator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
