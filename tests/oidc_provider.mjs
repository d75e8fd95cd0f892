// A real OpenID provider for the single sign-on tests: the npm package oidc-provider (a certified
// implementation) on loopback, started and stopped by tests/oidc_server.py.
//
//   node tests/oidc_provider.mjs '{"port": 4567, "clients": [{"client_id": ..., "client_secret": ...,
//                                  "redirect_uris": [...]}]}'
//
// It prints "listening <issuer>" once it answers. The sign-in page at /interaction/<uid> is a plain
// form whose "login" field names one of the test accounts; consent is given without a page (the
// tests' clients are first-party). Two small endpoints let a test steer it (loopback only, tests only):
//   POST /_test/accounts  {"<login>": {"sub": ..., "email": ..., "email_verified": true, "name": ...}}
//   POST /_test/tamper    {"id_token": true}: the next token response carries an ID token whose
//                         payload was changed after signing (so its signature no longer matches).
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${settings.port}`;
const accounts = new Map();
let tamperNext = false;

const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: settings.clients.map((client) => ({
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [{ ...key, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  // The email claims in the ID token itself (as Microsoft Entra ID and Google give them), where the
  // app checks them under the token's signature.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  async findAccount(ctx, sub) {
    const account = [...accounts.values()].find((candidate) => candidate.sub === sub);
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { ...account, sub }; } };
  },
  // First-party test clients: consent without asking.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function tamper(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.email = `someone-else@${claims.email.split('@')[1]}`;
  claims.sub = `${claims.sub}-forged`;
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/_test/accounts') {
    for (const [login, account] of Object.entries(JSON.parse(await readBody(ctx.req)))) accounts.set(login, account);
    ctx.body = { ok: true };
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/_test/tamper') {
    tamperNext = Boolean(JSON.parse(await readBody(ctx.req)).id_token);
    ctx.body = { ok: true };
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (interaction) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'POST' && interaction[2]) {
      const login = new URLSearchParams(await readBody(ctx.req)).get('login') || '';
      const account = accounts.get(login);
      if (!account) {
        ctx.status = 400;
        ctx.body = `<p id="error">No test account called ${escape(login)}</p>`;
        return;
      }
      const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: account.sub } },
        { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><head><title>Test provider: sign in</title></head><body>
      <h1>Test provider: sign in</h1><p>Prompt: ${escape(details.prompt.name)}; hint: ${escape(details.params.login_hint || '')}</p>
      <form method="post" action="/interaction/${escape(details.uid)}/login">
        <label for="login">Test account</label> <input id="login" name="login">
        <button type="submit" id="provider-sign-in">Sign in at the provider</button>
      </form></body></html>`;
    return;
  }
  await next();
  if (ctx.path === '/token' && tamperNext && ctx.body && ctx.body.id_token) {
    tamperNext = false;
    ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token) };
  }
});

provider.listen(settings.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
