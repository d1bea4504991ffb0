import { withPdf } from '../../src/documents/pdf/text.js';

/**
 * What a reader of a PDF sees, for tests: the text per page, the placed text items, the info dictionary.
 * Unicode normalisation is off so that what is checked is what the file says (µ stays U+00B5).
 */

export interface PdfItem {
  page: number;
  text: string;
  /** Left and baseline in PDF units, origin bottom-left. */
  x: number;
  y: number;
  width: number;
}

/** Every non-blank text item of every page. */
export async function pdfItems(bytes: Uint8Array): Promise<PdfItem[]> {
  return withPdf(bytes, async (doc) => {
    const items: PdfItem[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent({ disableNormalization: true });
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        items.push({ page: n, text: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width });
      }
    }
    return items;
  });
}

/**
 * The text of each page: items on the same baseline joined left to right by one space, lines top to
 * bottom, so a test can look for `Glucose 5.40 mmol/L` across table cells.
 */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const items = await pdfItems(bytes);
  const pageCount = items.reduce((n, i) => Math.max(n, i.page), 0);
  const pages: string[] = [];
  for (let n = 1; n <= pageCount; n++) {
    const lines = new Map<number, PdfItem[]>();
    for (const item of items.filter((i) => i.page === n)) {
      const y = Math.round(item.y);
      lines.set(y, [...(lines.get(y) ?? []), item]);
    }
    pages.push(
      [...lines.entries()]
        .sort((a, b) => b[0] - a[0])
        .map(([, row]) => row.sort((a, b) => a.x - b.x).map((i) => i.text.trim()).join(' ').replace(/\s+/g, ' '))
        .join('\n'),
    );
  }
  return pages;
}

/** The whole text of a PDF, pages separated by a form feed. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join('\n\f\n');
}

/** The document information dictionary (Title, Author, Creator, Producer, CreationDate…). */
export async function pdfInfo(bytes: Uint8Array): Promise<Record<string, unknown>> {
  return withPdf(bytes, async (doc) => (await doc.getMetadata()).info as Record<string, unknown>);
}
