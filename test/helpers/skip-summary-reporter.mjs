// A node:test reporter that adds one line at the end of the run: what was skipped and why (each
// reason says how to install what is missing). It runs beside the TAP reporter, which still prints
// the closing # pass / # fail lines.
export default async function* skipSummary(source) {
  const reasons = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const skip = event.data.skip;
    if (skip === undefined || skip === false) continue;
    const reason = typeof skip === 'string' && skip !== '' ? skip : 'no reason given';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (reasons.size === 0) return;
  const total = [...reasons.values()].reduce((sum, count) => sum + count, 0);
  const parts = [...reasons].map(([reason, count]) => `${count} × ${reason}`);
  yield `# skipped ${total} test(s): ${parts.join('; ')}\n`;
}
