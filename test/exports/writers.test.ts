import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { csvLine, csvWriter } from '../../src/lib/export/csv.js';
import { neutralise, unneutralise } from '../../src/lib/export/neutralise.js';
import { xlsxWriter } from '../../src/lib/export/xlsx.js';

async function collect(run: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await run(out);
  return Buffer.concat(chunks);
}

describe('export writers', () => {
  it('when a cell starts with = + - @ tab or CR, then it is prefixed with an apostrophe, and the import reads it back', () => {
    for (const v of ['=1+2', '+84 1', '-3', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutralise(v)).to.equal(`'${v}`);
      expect(unneutralise(neutralise(v))).to.equal(v);
    }
    expect(neutralise('Bangkok')).to.equal('Bangkok');
    expect(unneutralise("'quoted")).to.equal("'quoted");
  });

  it('when a CSV line holds commas, quotes and line breaks, then it is quoted per RFC 4180 and ends with CRLF; numbers stay bare', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 12.5, -3, null, true])).to.equal(
      '"a,b","say ""hi""","two\nlines",12.5,-3,,true\r\n',
    );
    expect(csvLine(['=HYPERLINK("x")'])).to.equal(`"'=HYPERLINK(""x"")"\r\n`);
  });

  it('when the CSV writer streams rows, then the file starts with the UTF-8 BOM and keeps Chinese text intact', async () => {
    const buf = await collect(async (out) => {
      const w = csvWriter(out);
      await w.header(['name', 'name_local']);
      for (let i = 0; i < 3000; i += 1) await w.row([`Partner ${i}`, '重庆旅游集团']);
      await w.end();
    });
    expect([...buf.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).to.equal('name,name_local');
    expect(lines[2999 + 1]).to.equal('Partner 2999,重庆旅游集团');
    expect(lines.at(-1)).to.equal('');
  });

  it('when the XLSX writer streams rows, then exceljs reads back neutralised text, real numbers and dates', async () => {
    const when = new Date('2026-01-02T03:04:05Z');
    const buf = await collect(async (out) => {
      const w = xlsxWriter(out, 'Partners');
      await w.header(['name', 'score', 'at']);
      await w.row(['=1+2', -5, when]);
      await w.row(['@cmd', 42, null]);
      await w.end();
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).to.equal('Partners');
    expect(ws.getRow(1).values).to.deep.equal([undefined, 'name', 'score', 'at']);
    expect(ws.getCell('A2').value).to.equal("'=1+2");
    expect(ws.getCell('A2').type).to.equal(ExcelJS.ValueType.String);
    expect(ws.getCell('B2').value).to.equal(-5);
    expect(ws.getCell('B2').type).to.equal(ExcelJS.ValueType.Number);
    expect((ws.getCell('C2').value as Date).toISOString()).to.equal(when.toISOString());
    expect(ws.getCell('A3').value).to.equal("'@cmd");
  });

  for (const format of ['csv', 'xlsx'] as const) {
    it(`when the ${format.toUpperCase()} output stops reading, then the writer stops taking rows within a few thousand (memory stays bounded), and goes on once the output reads again`, async () => {
      const out = new PassThrough({ highWaterMark: 16 * 1024 });
      const w = format === 'csv' ? csvWriter(out) : xlsxWriter(out, 'Partners');
      await w.header(['name', 'name_local', 'website']);
      let written = 0;
      const writing = (async () => {
        for (; written < 50_000; written += 1) {
          await w.row([
            `Golden Dragon Travel ${written}`,
            `重庆旅游集团${written}`,
            `https://p${written}.example`,
          ]);
        }
        await w.end();
      })();
      // Nobody reads `out`: the writer must come to a stop rather than buffer all 50,000 rows.
      let before = -1;
      while (before !== written) {
        before = written;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(written).to.be.below(5_000);

      let bytes = 0;
      out.on('data', (c: Buffer) => (bytes += c.length));
      await writing;
      expect(written).to.equal(50_000);
      expect(bytes).to.be.above(0);
    });
  }

  it('when rows come faster than the XLSX zip compresses them, then the writer waits for the zip: its entry stream never holds more than a few buffers', async () => {
    // exceljs hands the sheet's XML to archiver without back-pressure; the writer must wait.
    const proto = ExcelJS.stream.xlsx.WorkbookWriter.prototype as unknown as {
      _openStream(path: string): {
        write(...args: unknown[]): unknown;
        pipes: { _writableState?: { length: number } }[];
      };
    };
    const openStream = proto._openStream;
    let maxBuffered = 0;
    proto._openStream = function (path) {
      const stream = openStream.call(this, path);
      const write = stream.write.bind(stream);
      stream.write = (...args) => {
        const result = write(...args);
        for (const pipe of stream.pipes)
          maxBuffered = Math.max(maxBuffered, pipe._writableState?.length ?? 0);
        return result;
      };
      return stream;
    };
    try {
      const buf = await collect(async (out) => {
        const w = xlsxWriter(out, 'Partners');
        await w.header(['name', 'name_local', 'website', 'email', 'city']);
        for (let i = 0; i < 30_000; i += 1) {
          await w.row([
            `Golden Dragon Travel ${i}`,
            `重庆旅游集团${i}`,
            `https://p${i}.example`,
            `info${i}@p.example`,
            'Bangkok',
          ]);
        }
        await w.end();
      });
      expect(buf.length).to.be.above(0);
    } finally {
      proto._openStream = openStream;
    }
    expect(maxBuffered).to.be.above(0);
    expect(maxBuffered).to.be.below(1024 * 1024);
  });
});
