import type { Align, PaperItem } from './print-model.ts';

/** Plain text of paper items: lines aligned within the columns their size allows. */
export function renderText(items: readonly PaperItem[], columns = 48): string {
  // Positions are in normal-size columns: a 4× wide number takes 4 columns a character.
  const place = (text: string, align: Align, width: number): string => {
    const gap = Math.max(0, columns - text.length * width);
    const left = align === 'left' ? 0 : align === 'right' ? gap : Math.floor(gap / 2);
    return (' '.repeat(left) + text).trimEnd();
  };
  return items
    .map((item) => {
      switch (item.type) {
        case 'line':
          return place(item.text, item.align, item.width);
        case 'qr':
          return place(`[QR ${item.data}]`, 'center', 1);
        case 'barcode':
          return place(`[BARCODE ${item.text}]`, 'center', 1);
        case 'raster':
          return place(`[IMAGE ${item.width * 8}x${item.height}]`, 'center', 1);
        case 'image':
          return place(`[IMAGE ${item.width}x${item.height}]`, 'center', 1);
        case 'cut':
          return '-'.repeat(columns);
      }
    })
    .join('\n');
}
