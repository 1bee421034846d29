// A real OpenID Connect provider for Hotline's single sign-on tests, started
// by tests/fixtures/oidc.py on a free loopback port:
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 5xxxx,
//               "client": {"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]},
//               "accounts": {"username": {"claims": {...}, "amr": ["pwd", "otp"], "acr": "..."}},
//               "id_token_claims": true}
//
// Its own dev login form (devInteractions) signs in any username with any
// password; the account's claims, and the amr and acr the ID token reports,
// come from CONFIG.json, so a test chooses how each person "signed in".
// Test use only: plain http on 127.0.0.1, in-memory storage, dev signing keys.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts || {};
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      ...config.client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // Any username signs in; one not in CONFIG.json gets a bare identity, which
  // is how a test plays a person the IdP knows and Hotline does not.
  async findAccount(ctx, id) {
    const account = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, ...(account.claims || {}) };
      },
    };
  },
  claims: {
    // oidc-provider's own defaults, except that acr and amr (how the person
    // signed in) come with the openid scope, in every ID token, as most
    // IdPs send them; oidc-provider alone sends them only when asked.
    auth_time: null,
    iss: null,
    sid: null,
    openid: ['sub', 'acr', 'amr'],
    profile: ['preferred_username', 'name', 'employee_number'],
  },
  // "id_token_claims": true puts the profile claims in the ID token itself;
  // false keeps oidc-provider's default, where they come only from /userinfo.
  conformIdTokenClaims: !config.id_token_claims,
  features: {
    devInteractions: { enabled: true },
  },
  // Hotline is a first-party client: no consent screen after the login form.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile');
    grant.addOIDCClaims(['preferred_username', 'name', 'employee_number']);
    await grant.save();
    return grant;
  },
  // Every authorization request must carry PKCE (S256): the test proves Hotline sends it.
  pkce: { required: () => true },
  acrValues: ['urn:hotline:test:pwd', 'urn:hotline:test:mfa'],
  cookies: { keys: ['hotline-test-only-cookie-key'] },
});

// The dev login form reports only who signed in; add the amr and acr this
// account is configured with, as a real IdP reports the methods it used.
const finish = provider.interactionFinished.bind(provider);
provider.interactionFinished = (req, res, result, options) => {
  const account = result.login && accounts[result.login.accountId];
  if (account) {
    if (account.amr) result.login.amr = account.amr;
    if (account.acr) result.login.acr = account.acr;
  }
  return finish(req, res, result, options);
};

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
