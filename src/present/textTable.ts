/** Column alignment for a plain-text table: numbers right, words left. */
export type Align = 'left' | 'right';

/**
 * Pads cells into aligned columns for a terminal; widths come from the content, so nothing is cut.
 * Trailing spaces are trimmed so copied output stays clean.
 */
export function textTable(rows: string[][], align: Align[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) =>
      (indent + row.map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return align[i] === 'right' ? pad + cell : cell + pad;
      }).join('  ')).trimEnd(),
    )
    .join('\n');
}
