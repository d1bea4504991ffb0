import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text of a PDF, one string per page, for tests that check what a reader sees. Items on the same
 * baseline are joined left to right with a space, lines with a newline, so a test can look for
 * `Glucose 5.40 mmol/L` or for a word split across cells alike.
 */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent({ disableNormalization: true });
      const lines = new Map<number, { x: number; s: string }[]>();
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue;
        const y = Math.round(item.transform[5] as number);
        const row = lines.get(y) ?? [];
        row.push({ x: item.transform[4] as number, s: item.str });
        lines.set(y, row);
      }
      const text = [...lines.entries()]
        .sort((a, b) => b[0] - a[0])
        .map(([, row]) => row.sort((a, b) => a.x - b.x).map((i) => i.s).join(' '))
        .join('\n');
      pages.push(text);
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** The whole text of a PDF, pages separated by a form feed. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join('\n\f\n');
}
