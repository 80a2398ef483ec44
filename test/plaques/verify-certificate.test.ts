import { expect } from 'chai';
import request from 'supertest';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createEvent } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';

const XSS = '<script>alert(1)</script>';

describe('plaques: certificate and public verification', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let staff: LoggedIn;

  before(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager', { name: 'Mira Manager' });
    staff = await loginAs(app(), 'staff');
  });

  it('when anyone opens /verify/<serial> of a revoked plaque, then it shows serial, kind, status, holder and dates, and nothing private', async () => {
    const partner = await createPartner({
      name: 'Hanoi Universal Travel',
      type: 'distributor_international',
      country: 'VN',
      email: 'secret-inbox@hanoi.example',
    });
    const plaque = await createPlaque({
      partner: partner._id,
      partnerCountry: 'VN',
      awardedBy: manager.user._id,
      revokedBy: manager.user._id,
      status: 'revoked',
      revokeReason: 'Confidential dispute about commissions',
      notes: 'Internal note: VIP',
    });
    const res = await request(app()).get(`/verify/${plaque.serial}`).expect(200);
    expect(res.text)
      .to.contain(plaque.serial)
      .and.contain('Hanoi Universal Travel')
      .and.contain('Image Sales Point');
    expect(res.text).to.contain('This plaque has been revoked');
    for (const secret of [
      'Confidential dispute',
      'Internal note',
      'secret-inbox',
      manager.user.email,
      'Mira Manager',
      plaque._id.toHexString(),
      partner._id.toHexString(),
      manager.user._id.toHexString(),
    ]) {
      expect(res.text, secret).not.to.contain(secret);
    }
    const lower = await request(app()).get(`/verify/${plaque.serial.toLowerCase()}`).expect(200);
    expect(lower.text).to.contain(plaque.serial);
  });

  it('when the serial is unknown or malformed, then the page is a 404', async () => {
    await request(app()).get('/verify/CQSEA-ISP-2025-999').expect(404);
    await request(app()).get('/verify/not-a-serial').expect(404);
    const json = await request(app()).get('/verify/CQSEA-ISP-2025-998').set('Accept', 'text/html');
    expect(json.status).to.equal(404);
    expect(json.text).to.contain('does not exist');
  });

  it('when a partner name holds markup, then the verify page and the certificate escape it', async () => {
    const partner = await createPartner({
      name: `Evil ${XSS} Tours`,
      nameLocal: `<img src=x onerror=alert(1)>`,
      type: 'university',
    });
    const event = await createEvent({ name: `Summit ${XSS}` });
    const plaque = await createPlaque({
      kind: 'student_practice_base',
      partner: partner._id,
      event: event._id,
    });
    const verify = await request(app()).get(`/verify/${plaque.serial}`).expect(200);
    const cert = await staff.agent.get(`/plaques/${plaque._id.toHexString()}/certificate`).expect(200);
    for (const html of [verify.text, cert.text]) {
      expect(html).not.to.contain(XSS);
      expect(html).not.to.contain('<img src=x');
      expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('when the certificate is opened, then it is bilingual, carries the serial and verification address, prints A4 landscape from a stylesheet, and has no inline style or script', async () => {
    const partner = await createPartner({
      name: 'Chongqing University',
      nameLocal: '重庆大学',
      type: 'university',
      country: 'CN',
    });
    const plaque = await createPlaque({
      kind: 'student_practice_base',
      partner: partner._id,
      awardedAt: '2025-11-17',
      validUntil: '2028-11-16',
    });
    const res = await staff.agent.get(`/plaques/${plaque._id.toHexString()}/certificate`).expect(200);
    expect(res.text).to.contain('Certificate of Award').and.contain('授牌证书');
    expect(res.text)
      .to.contain('International Student Cultural-Tourism Promotion Practice Base')
      .and.contain('国际学生文旅推广实践基地');
    expect(res.text).to.contain('重庆大学').and.contain(plaque.serial);
    expect(res.text).to.contain(`/verify/${plaque.serial}`);
    expect(res.text).to.contain('/public/css/certificate.css');
    expect(res.text).not.to.match(/style=|<style/);
    expect(res.text).not.to.match(/<script>[^<]/);
    const css = await request(app()).get('/public/css/certificate.css').expect(200);
    expect(css.text).to.match(/@page\s*{\s*size: A4 landscape;/);
    expect(css.text).to.contain('@media print');
    expect(res.headers['content-security-policy']).to.contain("style-src 'self'");
  });

  it('when someone not signed in opens a certificate, then they must sign in; complaint officers are refused', async () => {
    const plaque = await createPlaque();
    const anon = await request(app()).get(`/plaques/${plaque._id.toHexString()}/certificate`).expect(302);
    expect(anon.headers.location).to.match(/^\/login\?next=/);
    const officer = await loginAs(app(), 'complaint_officer');
    await officer.agent.get(`/plaques/${plaque._id.toHexString()}/certificate`).expect(403);
  });
});
