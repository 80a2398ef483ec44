import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { connectDatabase, disconnectDatabase, mongoose } from '../../src/lib/db/index.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';

describe('health check', () => {
  it('answers 200 {"status":"ok"} once the database answers', async () => {
    await connectDatabase(testDatabaseUri(newDatabaseName()));
    try {
      const res = await request(createApp()).get('/healthz').expect(200);
      expect(res.body).to.deep.equal({ status: 'ok' });
    } finally {
      await mongoose.connection.dropDatabase();
      await disconnectDatabase();
    }
  });

  it('answers 503 while the database is not connected, and other pages say unavailable', async () => {
    expect(mongoose.connection.readyState).to.equal(0);
    const app = createApp();
    const health = await request(app).get('/healthz').expect(503);
    expect(health.body.status).to.equal('unavailable');
    const page = await request(app).get('/login').set('Accept', 'text/html').expect(503);
    expect(page.headers['retry-after']).to.equal('5');
    expect(page.text).to.contain('database is unavailable');
    expect(page.text, 'a full page in the layout').to.match(/^<!doctype html>/i);
  });
});
