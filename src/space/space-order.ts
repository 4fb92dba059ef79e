/** Code-unit order, as Python sorts `str` (localeCompare would not match ConfigSpace). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * ConfigSpace 0.4's hyperparameter order (`ConfigurationSpace._sort_hyperparameters`):
 * level 0 holds the unconditioned hyperparameters, level k + 1 those whose deepest
 * parent is on level k; each level is sorted by name. The vector layout follows this
 * order, so it must match hpbandster's exactly. `parentsOf` must describe an acyclic graph.
 */
export function conditionLevelOrder(names: Iterable<string>, parentsOf: (name: string) => readonly string[]): string[] {
  const levels = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = levels.get(name);
    if (known !== undefined) return known;
    let level = 0;
    for (const parent of parentsOf(name)) level = Math.max(level, levelOf(parent) + 1);
    levels.set(name, level);
    return level;
  };
  const all = [...names];
  for (const name of all) levelOf(name);
  return all.sort((a, b) => levels.get(a)! - levels.get(b)! || byCodeUnits(a, b));
}

/** True when `start` is `target` or one of its ancestors reaches `target` through `parentsOf`. */
export function reaches(start: string, target: string, parentsOf: (name: string) => readonly string[]): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === target) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...parentsOf(name));
  }
  return false;
}
