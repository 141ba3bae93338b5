// Hand-made SVG bar charts for docs/benchmarks.md: one horizontal bar per
// series within each group, a linear or logarithmic axis, a legend and a
// footer line (the run's date and machine).

const palette = ['#3b6fb6', '#e08a2c', '#5aa05a', '#b64b4b', '#8a6bb8'];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * Returns an SVG document. groups: [{ label, values: [number|undefined per
 * series] }]; log: a logarithmic axis (for ratios and times that span
 * decades); a missing value draws no bar.
 */
export function barChart({ title, series, groups, log = false, footer = '' }) {
  const bar = 14;
  const gap = 10;
  // Room for the longest group label (about 7 px a character at 12 px).
  const left = Math.max(120, 16 + 7 * Math.max(0, ...groups.map((g) => String(g.label).length)));
  const width = left + 570;
  const plot = width - left - 80;
  const top = 40 + Math.ceil(series.length / 4) * 18;
  const values = groups.flatMap((g) => g.values).filter((v) => v > 0);
  const max = Math.max(...values, 1e-9);
  const min = Math.min(...values, max);
  // The log axis starts a decade-fraction below the smallest value so that it still shows.
  const lo = log ? Math.log10(min) - 0.3 : 0;
  const hi = log ? Math.log10(max) + 0.05 : max * 1.05;
  const x = (v) => ((log ? Math.log10(v) : v) - lo) / (hi - lo) * plot;
  const height = top + groups.length * (series.length * bar + gap) + 40;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  series.forEach((s, i) => {
    const lx = 10 + (i % 4) * 180;
    const ly = 34 + Math.floor(i / 4) * 18;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${palette[i % palette.length]}"/>`,
      `<text x="${lx + 16}" y="${ly}">${esc(s)}</text>`);
  });
  if (log) {
    // Grid lines at powers of ten (and at 1 for ratios).
    for (let e = Math.ceil(lo); e <= hi; e++) {
      const gx = left + x(10 ** e);
      out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 30}" stroke="#ddd"/>`,
        `<text x="${gx}" y="${height - 18}" text-anchor="middle" fill="#666">${+(10 ** e).toPrecision(1)}</text>`);
    }
  }
  let y = top;
  for (const g of groups) {
    out.push(`<text x="${left - 6}" y="${y + (series.length * bar) / 2 + 4}" text-anchor="end">${esc(g.label)}</text>`);
    g.values.forEach((v, i) => {
      if (v > 0) {
        const w = Math.max(1, x(v));
        out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${palette[i % palette.length]}"/>`,
          `<text x="${left + w + 4}" y="${y + bar - 4}" fill="#333">${fmt(v)}</text>`);
      }
      y += bar;
    });
    y += gap;
  }
  out.push(`<text x="10" y="${height - 4}" fill="#666" font-size="11">${esc(footer)}</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}
