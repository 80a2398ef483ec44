import { deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../../src/lib/errors.js';
import {
  acceptUpload,
  MAX_UNPACKED_BYTES,
  zipUnpacksWithin,
  type AcceptOptions,
} from '../../src/middleware/uploads.js';

/**
 * Uploads as src/middleware/uploads.ts takes them (the importers and attachment routes are on
 * other branches: they all go through acceptUpload, so what it refuses they never see).
 */
interface Entry {
  name: string;
  data: Buffer;
  /** What the directory claims the entry unpacks to (a bomb may lie). */
  claimedSize?: number;
}

/** A minimal zip (deflated entries, one central directory). */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const size = e.claimedSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

function run(options: AcceptOptions, name: string, buffer: Buffer) {
  const req = {
    files: [{ fieldname: 'file', originalname: name, buffer, size: buffer.length }],
  } as unknown as Request;
  let error: unknown;
  const next: NextFunction = (err?: unknown) => {
    error = err;
  };
  acceptUpload(options)(req, { locals: {} } as unknown as Response, next);
  return { upload: req.upload, error };
}

const XLSX_ONLY: AcceptOptions = { field: 'file', types: ['xlsx'], maxBytes: 10 * 1024 * 1024 };
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj');

describe('uploads: bombs, disguised types and hostile names', () => {
  it('when a small XLSX unpacks to more than the bound (even if its directory claims a tiny size), then it is refused before any importer opens it', function () {
    this.timeout(30_000);
    const bomb = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.alloc(MAX_UNPACKED_BYTES + 1024 * 1024), claimedSize: 100 },
    ]);
    expect(bomb.length, 'the bomb is small').to.be.below(200 * 1024);
    const { upload, error } = run(XLSX_ONLY, 'report.xlsx', bomb);
    expect(upload).to.equal(undefined);
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).fields.file).to.equal('validation.fileTooLarge');
  });

  it('when many entries each unpack a little, then their total is bounded too', () => {
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    const entries = Array.from({ length: 14 }, (_, i) => ({
      name: `xl/worksheets/sheet${i}.xml`,
      data: chunk,
    }));
    expect(
      zipUnpacksWithin(zip([{ name: '[Content_Types].xml', data: Buffer.from('x') }, ...entries])),
    ).to.equal(false);
  });

  it('when a real workbook is uploaded, then it passes the bomb check', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Partners').addRows([
      ['name', 'country'],
      ['Lotus Travel', 'TH'],
    ]);
    const buffer = Buffer.from(await book.xlsx.writeBuffer());
    const { upload, error } = run(XLSX_ONLY, 'partners.xlsx', buffer);
    expect(error).to.equal(undefined);
    expect(upload?.type).to.equal('xlsx');
  });

  it('when a zip is truncated, encrypted-looking or not a zip at all, then it is refused', () => {
    const good = zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }]);
    expect(zipUnpacksWithin(good)).to.equal(true);
    expect(zipUnpacksWithin(good.subarray(0, good.length - 10))).to.equal(false);
    expect(zipUnpacksWithin(Buffer.from('PK\x03\x04 not really'))).to.equal(false);
    const encrypted = Buffer.from(good);
    encrypted.writeUInt16LE(1, good.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
    expect(zipUnpacksWithin(encrypted)).to.equal(false);
  });

  it('when file names carry path traversal, absolute paths, NUL bytes or control characters, then the stored name is a bare, harmless file name', () => {
    const names = [
      '../../etc/passwd',
      '..\\..\\Windows\\win.ini',
      '/var/www/index.pdf',
      'C:\\temp\\x.pdf',
      '....//....//x.pdf',
      'x.pdf\u0000.exe',
      '..',
      '.',
      '',
      'a\r\nContent-Type: text/html.pdf',
    ];
    for (const name of names) {
      const { upload, error } = run({ field: 'file', types: ['pdf'], maxBytes: 1000 }, name, PDF);
      expect(error, name).to.equal(undefined);
      const stored = upload!.originalName;
      // eslint-disable-next-line no-control-regex
      expect(stored, JSON.stringify(name)).not.to.match(/[/\\\u0000-\u001f\u007f]/);
      expect(['', '.', '..'], JSON.stringify(name)).not.to.include(stored);
    }
  });

  it('when content does not match the allowed types, then the name or the browser type does not matter', () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    for (const [name, buffer, types] of [
      ['photo.png', html, ['png', 'jpeg']],
      ['contract.pdf', png, ['pdf']],
      ['partners.xlsx', PDF, ['xlsx']],
      ['partners.csv', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), ['csv']],
    ] as const) {
      const { error } = run({ field: 'file', types, maxBytes: 1000 }, name, buffer);
      expect((error as ValidationError).fields.file, name).to.equal('validation.fileType');
    }
  });
});
