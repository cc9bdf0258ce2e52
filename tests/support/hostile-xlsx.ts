import zlib from 'node:zlib';

/**
 * Workbooks built byte by byte, for the upload limits' tests and tests/bench/hostile-uploads.ts:
 * a shared-strings bomb (a few MB that inflate to GB) and sheets of many rows, made in a second
 * without exceljs and without holding what they inflate to.
 */

/** A zip part: its name, its deflated bytes, and the inflated size it declares (which may lie). */
interface Part {
  name: string;
  deflated: Buffer;
  declaredSize: number;
  crc: number;
}

const part = (name: string, text: string): Part => {
  const bytes = Buffer.from(text, 'utf8');
  return { name, deflated: zlib.deflateRawSync(bytes), declaredSize: bytes.length, crc: zlib.crc32(bytes) };
};

/** A zip of deflated parts: local headers, the data, the central directory. */
function zip(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(p.declaredSize >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(p.crc >>> 0, 16);
    entry.writeUInt32LE(p.deflated.length, 20);
    entry.writeUInt32LE(p.declaredSize >>> 0, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, p.deflated);
    central.push(entry, name);
    offset += local.length + name.length + p.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';

/** The parts every workbook has, around one worksheet (and shared strings when given). */
function workbook(sheet: Part, sharedStrings?: Part): Buffer {
  return zip([
    part('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    part('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    part('xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    part(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>${sharedStrings ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : ''}</Relationships>`,
    ),
    ...(sharedStrings ? [sharedStrings] : []),
    sheet,
  ]);
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${escape(text)}</t></is></c>`;
const column = (i: number) => String.fromCharCode(65 + i);

/** A workbook of these rows (text cells from column A), the first being the header. */
export function sheetXlsx(rows: readonly (readonly string[])[]): Buffer {
  const body = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((text, c) => cell(`${column(c)}${r + 1}`, text)).join('')}</row>`).join('');
  return workbook(part('xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${body}</sheetData></worksheet>`));
}

/** A workbook of a header and `count` rows made by `row(i)`, i from 1; built in pieces, never as one string. */
export function manyRowsXlsx(header: readonly string[], count: number, row: (i: number) => readonly string[]): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  let crc = 0;
  const write = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    size += bytes.length;
    crc = zlib.crc32(bytes, crc);
    chunks.push(zlib.deflateRawSync(bytes, { finishFlush: zlib.constants.Z_FULL_FLUSH }));
  };
  const line = (cells: readonly string[], r: number) => `<row r="${r}">${cells.map((text, c) => cell(`${column(c)}${r}`, text)).join('')}</row>`;
  write(`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${line(header, 1)}`);
  for (let from = 1; from <= count; from += 10_000) {
    let piece = '';
    for (let i = from; i < Math.min(from + 10_000, count + 1); i++) piece += line(row(i), i + 1);
    write(piece);
  }
  const tail = Buffer.from('</sheetData></worksheet>', 'utf8');
  size += tail.length;
  crc = zlib.crc32(tail, crc);
  chunks.push(zlib.deflateRawSync(tail));
  return workbook({ name: 'xl/worksheets/sheet1.xml', deflated: Buffer.concat(chunks), declaredSize: size, crc });
}

/**
 * An inflation bomb: `megabytes` times one megabyte of XML, deflated once and repeated (a full
 * flush makes every copy stand alone), so 4 MB of file inflate to 4 GB. The zip declares 1 KB.
 * `sharedStrings`: the megabyte is strings ('AAA…', 30,000 each), the shape of issue 10's bomb
 * (4 MB → 3.3 GB); `sheet`: it is empty rows padded with blanks, which nothing keeps.
 */
export function inflationBomb(kind: 'sharedStrings' | 'sheet', megabytes: number): Buffer {
  const unit = kind === 'sharedStrings' ? `<si><t>${'A'.repeat(30_000)}</t></si>` : `<row r="2"/>${' '.repeat(1_012)}`;
  const flushed = (text: string) => zlib.deflateRawSync(Buffer.from(text), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const megabyte = flushed(unit.repeat(Math.floor((1024 * 1024) / unit.length)));
  const deflated = (head: string, tail: string) => Buffer.concat([flushed(head), ...Array<Buffer>(megabytes).fill(megabyte), zlib.deflateRawSync(Buffer.from(tail))]);
  const xml = '<?xml version="1.0" encoding="UTF-8"?>';
  if (kind === 'sharedStrings') {
    const strings: Part = { name: 'xl/sharedStrings.xml', deflated: deflated(`${xml}<sst ${NS}>`, '</sst>'), declaredSize: 1024, crc: 0 };
    const sheet = `${xml}<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`;
    return workbook(part('xl/worksheets/sheet1.xml', sheet), strings);
  }
  const sheet: Part = { name: 'xl/worksheets/sheet1.xml', deflated: deflated(`${xml}<worksheet ${NS}><sheetData>`, '</sheetData></worksheet>'), declaredSize: 1024, crc: 0 };
  return workbook(sheet);
}
