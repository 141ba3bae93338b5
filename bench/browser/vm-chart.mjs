// Draws the chart of the native and node section (docs/bench/vm.md, written
// by scripts/bench.sh) from its own table, so that its figure and table come
// from the same run:
//
//	node bench/browser/vm-chart.mjs docs/bench/vm.md docs/bench/vm.svg
//
// One bar per candidate and program: the ratio to lua5.4 (log axis).
import { readFileSync, writeFileSync } from 'node:fs';
import { barChart } from './chart.mjs';

const [src, dst] = process.argv.slice(2);
if (!dst) {
  console.error('usage: node vm-chart.mjs VM.md OUT.svg');
  process.exit(2);
}
const md = readFileSync(src, 'utf8');
const rows = md.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.slice(2, -2).split(' | '));
const [head, , ...body] = rows;
const series = head.slice(2);
const groups = body.filter((r) => r[1] !== '').map((r) => ({
  label: r[0],
  values: r.slice(2).map((c) => Number(c.match(/\(([\d.]+)x\)/)?.[1]) || undefined),
}));
const field = (name) => md.match(new RegExp(`^- ${name}: (.*)$`, 'm'))?.[1] ?? '';
writeFileSync(dst, barChart({
  title: 'Native and node: time / lua5.4\'s (lower is better)',
  series,
  groups,
  log: true,
  footer: `${field('Date')} · ${field('Machine').replace(/; load average.*/, '')}`,
}));
