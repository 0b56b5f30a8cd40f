/** The simulators' scenarios (README "Simulated devices"): the one list the config, the CLI and simulators/scenarios.ts use. */
export const SCENARIO_NAMES = ['steady', 'methane-leak'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}
