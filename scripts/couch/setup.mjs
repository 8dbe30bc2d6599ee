// Sets up a team's database on a CouchDB server (or pouchdb-server): creates it, installs the
// validation function (validate_doc_update.js) and the security object (members: the roles `rep`
// and `manager`), and creates or updates the team's users.
//
//   node scripts/couch/setup.mjs http://admin:secret@nas.local:5984/team-book \
//        --manager 王经理:password --rep 李娜:password --rep 张伟:password
//
// Run it again to add people or change a password: it changes only what it is given.
import { readFileSync } from 'node:fs';

const HERE = new URL('.', import.meta.url);

/** Sends one request with the URL's credentials as Basic auth; resolves to { status, body }. */
async function call(url, method, body) {
  const u = new URL(url);
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (u.username) headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = '';
  u.password = '';
  const response = await fetch(u, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** PUTs a document, over its current revision if it has one. */
async function put(url, doc) {
  const current = await call(url, 'GET');
  const body = current.status === 200 && current.body?._rev ? { ...doc, _rev: current.body._rev } : doc;
  const done = await call(url, 'PUT', body);
  if (done.status >= 300) throw new Error(`${url}: ${done.status} ${JSON.stringify(done.body)}`);
}

/** `database`: the database URL (with an admin's credentials on a server that has admins);
 *  `people`: [{ name, password, role: 'rep' | 'manager' }]; `validate`: install the validation
 *  function (the tests install it later on pouchdb-server, whose validation plugin replaces a
 *  replicated edit's `_revisions` with the stored document's and so drops the edit; CouchDB
 *  does not). */
export async function setUp(database, people = [], { validate = true } = {}) {
  const db = database.replace(/\/+$/, '');
  const root = db.slice(0, db.lastIndexOf('/'));
  const created = await call(db, 'PUT');
  if (created.status >= 300 && created.status !== 412) throw new Error(`creating ${db}: ${created.status} ${JSON.stringify(created.body)}`);
  if (validate) {
    const source = readFileSync(new URL('validate_doc_update.js', HERE), 'utf8')
      .split('\n').filter((l) => !l.startsWith('//')).join('\n').trim();
    await put(`${db}/_design/pocket-crm`, { validate_doc_update: source });
  }
  await put(`${db}/_security`, { admins: { names: [], roles: [] }, members: { names: [], roles: ['rep', 'manager'] } });
  for (const { name, password, role } of people) {
    const id = `org.couchdb.user:${name}`;
    await put(`${root}/_users/${encodeURIComponent(id)}`, { _id: id, name, password, roles: [role], type: 'user' });
  }
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const [database, ...rest] = process.argv.slice(2);
  if (!database) {
    console.error('usage: node scripts/couch/setup.mjs <database URL> [--manager name:password] [--rep name:password]...');
    process.exit(2);
  }
  const people = [];
  for (let i = 0; i < rest.length; i += 2) {
    const role = rest[i].replace(/^--/, '');
    const [name, password] = (rest[i + 1] ?? '').split(':');
    if (!['rep', 'manager'].includes(role) || !name || !password) {
      console.error(`not understood: ${rest[i]} ${rest[i + 1] ?? ''}`);
      process.exit(2);
    }
    people.push({ name, password, role });
  }
  await setUp(database, people);
  console.log(`${database}: ready (${people.length} people)`);
}
