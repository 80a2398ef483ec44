import { expect } from 'chai';
import { ensureIndexes, mongoose } from '../../src/lib/db/index.js';
import { useTestApp } from '../support/db.js';
import '../../src/app.js';

const keyOf = (key: Record<string, unknown>) =>
  JSON.stringify(Object.entries(key).map(([k, v]) => [k, Number(v)]));

// Every index a model declares (list filters × sorts, unique keys) exists after start-up, and
// creating them again (the next start, a second instance) changes nothing and fails nowhere.
describe('declared indexes are created at boot, idempotently', () => {
  useTestApp();

  it('each model has its declared indexes in the database, and a second ensureIndexes is harmless', async () => {
    await ensureIndexes();
    for (const model of Object.values(mongoose.models)) {
      const existing = (await model.collection.listIndexes().toArray()).map((i) =>
        keyOf(i.key as Record<string, unknown>),
      );
      for (const [key] of model.schema.indexes()) {
        expect(existing, `${model.modelName} ${JSON.stringify(key)}`).to.include(keyOf(key));
      }
      expect(existing.length, model.modelName).to.be.at.least(model.schema.indexes().length);
    }
  });
});
