import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../../src/lib/errors.js';
import {
  acceptUpload,
  attachmentHeader,
  sniffType,
  type AcceptOptions,
} from '../../src/middleware/uploads.js';
import { loginAs } from '../support/agent.js';
import { useTestApp } from '../support/db.js';

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);

function run(options: AcceptOptions, files: Partial<Express.Multer.File>[]) {
  const req = { files } as unknown as Request;
  const res = { locals: {} } as unknown as Response;
  let error: unknown;
  const next: NextFunction = (err?: unknown) => {
    error = err;
  };
  acceptUpload(options)(req, res, next);
  return { req, error };
}

describe('uploads', () => {
  describe('sniffType judges by content', () => {
    it('recognises PDF, PNG, JPEG, WebP, XLSX and text', () => {
      expect(sniffType(PDF)).to.equal('pdf');
      expect(sniffType(PNG)).to.equal('png');
      expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).to.equal('jpeg');
      expect(sniffType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).to.equal('webp');
      expect(
        sniffType(Buffer.from('PK\x03\x04....[Content_Types].xml....xl/workbook.xml', 'latin1')),
      ).to.equal('xlsx');
      expect(sniffType(Buffer.from('\ufeffname,type\r\nA,b\r\n'))).to.equal('csv');
    });

    it('refuses binaries and plain zips', () => {
      expect(sniffType(ELF)).to.equal(null);
      expect(sniffType(Buffer.from('PK\x03\x04 something.txt', 'latin1'))).to.equal(null);
    });
  });

  describe('acceptUpload', () => {
    const pdfOnly: AcceptOptions = { field: 'file', types: ['pdf'], maxBytes: 1000 };

    it('puts a matching file on req.upload with its base name only', () => {
      const { req, error } = run(pdfOnly, [
        { fieldname: 'file', originalname: '..\\..\\evil/合同.pdf', buffer: PDF, size: PDF.length },
      ]);
      expect(error).to.equal(undefined);
      expect(req.upload).to.include({
        originalName: '合同.pdf',
        type: 'pdf',
        contentType: 'application/pdf',
      });
    });

    it('refuses an ELF renamed .pdf with a field error', () => {
      const { error } = run(pdfOnly, [
        { fieldname: 'file', originalname: 'x.pdf', buffer: ELF, size: ELF.length },
      ]);
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).fields).to.have.property('file', 'validation.fileType');
    });

    it('refuses a file over the route limit and a missing required file', () => {
      const big = Buffer.concat([PDF, Buffer.alloc(2000, 32)]);
      const tooBig = run(pdfOnly, [
        { fieldname: 'file', originalname: 'a.pdf', buffer: big, size: big.length },
      ]);
      expect((tooBig.error as ValidationError).fields.file).to.equal('validation.fileTooLarge');
      const missing = run(pdfOnly, []);
      expect((missing.error as ValidationError).fields.file).to.equal('validation.fileRequired');
      const optional = run({ ...pdfOnly, optional: true }, []);
      expect(optional.error).to.equal(undefined);
    });
  });

  it('names downloads safely in both ASCII and UTF-8', () => {
    expect(attachmentHeader('协议 "v2".pdf')).to.equal(
      `attachment; filename="__ _v2_.pdf"; filename*=UTF-8''${encodeURIComponent('协议 "v2".pdf')}`,
    );
  });

  describe('multipart requests and CSRF', () => {
    const { app } = useTestApp();

    it('refuses a multipart POST without the token and accepts the token as a form field', async () => {
      const { agent, csrf } = await loginAs(app(), 'manager');
      await agent.post('/partners').field('name', 'Multipart Travel').expect(403);
      const res = await agent
        .post('/partners')
        .field('_csrf', csrf)
        .field('name', '')
        .attach('file', PNG, 'x.png');
      // Past CSRF: the partner form's own validation answers.
      expect(res.status).to.equal(422);
    });

    it('refuses a multipart POST from a signed-out visitor without reading it', async () => {
      const { agent } = await import('supertest').then((m) => ({ agent: m.default.agent(app()) }));
      await agent.post('/partners').field('_csrf', 'x').field('name', 'X').expect(403);
    });
  });
});
