/** The host starts, answers with 403 without a key, and stops. */
import { expect } from 'chai';
import { startTestHost } from '../support/host.js';

describe('host smoke', () => {
  it('starts, refuses requests without a key, stops', async () => {
    const t = await startTestHost();
    try {
      const res = await fetch(`${t.baseUrl}/api/anything`);
      expect(res.status).to.equal(403);
      expect(await res.json()).to.have.property('error');
    } finally {
      await t.stop();
    }
  });
});
