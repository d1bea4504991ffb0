// A small RFC 4180 reader for the project's data files (catalog, lab mapping): quoted fields,
// doubled quotes, CRLF or LF. Each record keeps its 1-based line number so errors can name it.

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** `sep`: `,` by the RFC; `;` for what a French spreadsheet saves. */
export function parseCsv(text: string, file: string, sep: ',' | ';' = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) { fields.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) throw new Error(`${file}:${start}: unterminated quoted field`);
  endRecord();
  return records;
}
