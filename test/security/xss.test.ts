import { expect } from 'chai';
import { createContact } from '../factories/contact.js';
import { createEvent } from '../factories/event.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { realPath, ROUTES, type KnownIds } from '../support/routes.js';

/**
 * Stored XSS: every displayed text field of partners, contacts, interactions, events and users
 * holds markup, then every page of the route table (with real records in its params, so pages
 * merged later are walked too) is checked for live markup and javascript:/data: links.
 */
const MARKUP = `X<script>alert(1)</script>"><img src=x onerror=alert(2)>'<svg onload=alert(3)>`;
/** For fields limited to 50 characters. */
const SHORT = `<script>alert(1)</script>"><img src=x>`;

const LIVE: [string, RegExp][] = [
  ['<script>', /<script>alert/i],
  ['<img onerror>', /<img src=x/i],
  ['<svg onload>', /<svg onload/i],
  ['javascript: link', /\b(?:href|src|action|formaction)\s*=\s*["']?\s*(?:javascript|vbscript|data):/i],
];

function liveMarkup(html: string): string[] {
  return LIVE.filter(([, rx]) => rx.test(html)).map(([name]) => name);
}

describe('XSS: hostile text in every displayed field, on every page', function () {
  this.timeout(120_000);
  const { app } = useTestApp();
  let admin: LoggedIn;
  const known: KnownIds = {};
  let pagesChecked = 0;

  before(async function () {
    this.timeout(60_000);
    admin = await loginAs(app(), 'admin', { name: `Admin ${MARKUP}` });
    const other = await createUser({ role: 'coordinator', name: `User ${MARKUP}` });
    const partner = await createPartner({
      name: `Partner ${MARKUP}`,
      nameLocal: `本地 ${MARKUP}`,
      city: `City ${MARKUP}`,
      website: 'javascript:alert(document.cookie)',
      email: 'x@example.test',
      tags: [`tag${MARKUP}`.slice(0, 40)],
      owner: other._id,
    });
    const second = await createPartner({
      name: `Second ${MARKUP}`,
      website: ' JaVaScRiPt:alert(1)',
      owner: admin.user._id,
    });
    await createPartner({
      name: `Third ${MARKUP}`,
      website: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    });
    const contact = await createContact({
      partner,
      name: `Contact ${MARKUP}`,
      nameLocal: `联系人 ${MARKUP}`,
      title: `Title ${MARKUP}`,
      phone: `+66 ${SHORT}`,
      wechat: `wx${SHORT}`,
      line: `line${SHORT}`,
      whatsapp: `wa${SHORT}`,
    });
    const event = await createEvent({
      name: `Event ${MARKUP}`,
      nameLocal: `活动 ${MARKUP}`,
      city: `City ${MARKUP}`,
      description: `Description ${MARKUP}`,
      partners: [partner._id, second._id],
      contacts: [contact._id],
    });
    const interaction = await createInteraction({
      partner,
      by: other._id,
      summary: `Summary ${MARKUP}\njavascript:alert(1)`,
      contacts: [contact._id],
      event: event._id,
      followUpAt: new Date(Date.now() + 86_400_000),
      followUpAssignee: admin.user._id,
    });
    known['/partners'] = partner._id.toHexString();
    known['/contacts'] = contact._id.toHexString();
    known['/interactions'] = interaction._id.toHexString();
    known['/follow-ups'] = interaction._id.toHexString();
    known['/events'] = event._id.toHexString();
    known['/admin/users'] = other._id.toHexString();
  });

  after(() => console.log(`      xss: ${pagesChecked} pages checked`));

  it('when every page of the route table is opened as an admin, then no stored markup is live, no javascript:/data: link is rendered, and the CSP forbids inline script', async () => {
    const wrong: string[] = [];
    const gets = ROUTES.filter((r) => r.method === 'GET' && r.rule?.kind !== 'public');
    for (const route of gets) {
      const path = await realPath(route.path, known, admin.agent);
      // Searches too: the value is echoed into the filter form.
      for (const url of [path, `${path}?q=${encodeURIComponent(MARKUP)}`]) {
        const res = await admin.agent.get(url);
        pagesChecked += 1;
        if (res.status >= 500) wrong.push(`${url} → ${res.status}`);
        // Downloads (CSV, XLSX) carry the stored text as data, not as a page: only HTML can run it.
        const isHtml = String(res.headers['content-type'] ?? '').startsWith('text/html');
        const html = isHtml ? (res.text ?? '') : '';
        const live = liveMarkup(html);
        if (live.length) wrong.push(`${route.path} renders ${live.join(', ')}`);
        const csp = String(res.headers['content-security-policy'] ?? '');
        if (!/script-src 'self'(;|$)/.test(csp) || csp.includes('unsafe-inline'))
          wrong.push(`${route.path}: CSP ${csp || 'missing'}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(gets.length).to.be.greaterThan(20);
  });

  it('when the pages show the records, then the markup is there escaped (the check is not vacuous)', async () => {
    const partner = await admin.agent.get(`/partners/${known['/partners']}`).expect(200);
    expect(partner.text).to.contain('X&lt;script&gt;alert(1)&lt;/script&gt;');
    const event = await admin.agent.get(`/events/${known['/events']}`).expect(200);
    expect(event.text).to.contain('Description X&lt;script&gt;');
    const interaction = await admin.agent.get(`/interactions/${known['/interactions']}`).expect(200);
    expect(interaction.text).to.contain('Summary X&lt;script&gt;');
  });

  it('when a javascript: or data: website is submitted in the partner form, then it is refused with a field error', async () => {
    for (const website of [
      'javascript:alert(1)',
      ' JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
    ]) {
      const res = await admin.post('/partners', { name: 'Evil site', type: 'hotel', country: 'TH', website });
      expect(res.status, website).to.equal(422);
      expect(liveMarkup(res.text), website).to.deep.equal([]);
    }
  });
});
