import { parseScenarioText } from '../../src/scenario/load.js';
import { ScenarioError, type Problem } from '../../src/scenario/problems.js';

/** The problems a scenario text is rejected with (file only names the folder the function path is relative to). */
export function problemsOf(text: string, file: string): Problem[] {
  try {
    parseScenarioText(text, file);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('scenario was accepted');
}
