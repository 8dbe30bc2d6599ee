// An independent client for the team sync tests: PouchDB 9 (in memory) replicates the database
// at the URL given, then prints every document as tests/couch_server.rs compares them: its
// winning revision, whether it is deleted, its fields (without the `_` ones), and its conflicts.
import PouchDB from 'pouchdb-core';
import memory from 'pouchdb-adapter-memory';
import http from 'pouchdb-adapter-http';
import replication from 'pouchdb-replication';

PouchDB.plugin(memory).plugin(http).plugin(replication);

const url = process.argv[2];
const local = new PouchDB(`copy-${Date.now()}`, { adapter: 'memory' });
await local.replicate.from(new PouchDB(url));
const changes = await local.changes({ style: 'all_docs', include_docs: true, conflicts: true });
const out = {};
for (const row of changes.results) {
  if (row.id.startsWith('_design/')) continue;
  const doc = row.doc;
  const body = Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')));
  out[row.id] = { rev: doc._rev, deleted: Boolean(row.deleted), body, conflicts: [...(doc._conflicts ?? [])].sort() };
}
process.stdout.write(JSON.stringify(out));
