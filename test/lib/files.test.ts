import { expect } from 'chai';
import { createFileWriter, deleteFile, findFile, openFile, readFile, saveFile } from '../../src/lib/files.js';
import { useTestApp } from '../support/db.js';

describe('files kept in the database (GridFS on FerretDB)', () => {
  useTestApp();

  it('stores a buffer and reads the same bytes back with its name, type and metadata', async () => {
    const bytes = Buffer.from('%PDF-1.4 合同 ' + 'x'.repeat(600_000)); // spans several chunks
    const saved = await saveFile(bytes, {
      filename: '协议 v2.pdf',
      contentType: 'application/pdf',
      metadata: { entity: 'agreement' },
    });
    expect(saved.size).to.equal(bytes.length);
    expect(saved.filename).to.equal('协议 v2.pdf');
    expect(saved.contentType).to.equal('application/pdf');
    expect(saved.metadata).to.deep.equal({ entity: 'agreement' });
    const back = await readFile(saved.id);
    expect(back!.equals(bytes)).to.equal(true);
  });

  it('streams a file written piece by piece', async () => {
    const writer = createFileWriter({ filename: 'rows.csv', contentType: 'text/csv' });
    for (let i = 0; i < 1000; i++) writer.stream.write(`row ${i}\r\n`);
    writer.stream.end();
    await writer.done;
    const opened = await openFile(writer.id);
    let text = '';
    for await (const chunk of opened!.stream) text += (chunk as Buffer).toString();
    expect(text.split('\r\n')).to.have.length(1001);
    expect(opened!.file.size).to.equal(Buffer.byteLength(text));
  });

  it('answers null for unknown or malformed ids and deletes idempotently', async () => {
    expect(await findFile('0123456789abcdef01234567')).to.equal(null);
    expect(await openFile('../../etc/passwd')).to.equal(null);
    const saved = await saveFile(Buffer.from('abc'), { filename: 'a.txt', contentType: 'text/plain' });
    await deleteFile(saved.id);
    await deleteFile(saved.id);
    expect(await findFile(saved.id)).to.equal(null);
  });
});
