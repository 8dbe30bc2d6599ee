// The store's first read, made before the app's module has started: by the service worker as
// it answers the page's navigation, and by index.html's first script when no service worker
// did. scripts/split.mjs puts this file into both (at their "early-read.js" line); the app takes
// the read over in src/store/idb.rs (`take_early`, which checks the database and schema read).
// The names here are idb.rs's DB_NAME, SEGMENTS and LOG, and the deal kind's code. It never
// creates or upgrades the database: that, and any migration, are the app's.

/** Opens the app's database as it is; calls `done` with the connection, or null (there is none
 *  yet, or it cannot be opened). A newer version asking for the database closes the connection
 *  and marks it `closed` (a connection of ours must never hold an upgrade up). */
function earlyOpen(factory, done) {
  try {
    var open = factory.open('pocket-crm');
    open.onupgradeneeded = function () { open.transaction.abort(); };
    open.onerror = function () { done(null); };
    open.onsuccess = function () {
      var db = open.result;
      db.onversionchange = function () { db.close(); db.closed = true; };
      done(db);
    };
  } catch (e) {
    done(null);
  }
}

/** Reads every segment (attached files sort after '~') and the log's head from `db` in one
 *  read-only transaction, the deals' buckets ('deal/...') last: `first` is called with
 *  { name, version, head, keys, values, laterKeys } (or null if the read failed) as soon as all
 *  but the deals' bodies are in, as the customer list does not read those; `later` with the
 *  deals' bodies, in laterKeys' order (or null), and `ended` once the transaction is over. */
function earlyRead(db, first, later, ended) {
  var handed = false;
  var failed = function () {
    if (!handed) first(null);
    later(null);
    ended();
  };
  try {
    var tx = db.transaction(['segments', 'log'], 'readonly');
    var segments = tx.objectStore('segments');
    var read = { name: db.name, version: db.version, head: 0 };
    var parts = [IDBKeyRange.upperBound('deal/', true), IDBKeyRange.bound('deal0', '~', false, true)];
    var deals = IDBKeyRange.bound('deal/', 'deal0', false, true);
    var keys = [], values = [], dealValues = null;
    parts.forEach(function (range, i) {
      segments.getAllKeys(range).onsuccess = function (e) { keys[i] = e.target.result; };
      segments.getAll(range).onsuccess = function (e) { values[i] = e.target.result; };
    });
    segments.getAllKeys(deals).onsuccess = function (e) { read.laterKeys = e.target.result; };
    // Requests in one transaction are answered in order: all of the above are in.
    tx.objectStore('log').openKeyCursor(null, 'prev').onsuccess = function (e) {
      if (e.target.result) read.head = e.target.result.key;
      read.keys = keys[0].concat(keys[1]);
      read.values = values[0].concat(values[1]);
      handed = true;
      first(read);
    };
    segments.getAll(deals).onsuccess = function (e) { dealValues = e.target.result; };
    tx.oncomplete = function () { later(dealValues); ended(); };
    tx.onabort = failed;
  } catch (e) {
    failed();
  }
}

/** The buffers of `values` (stored bodies), to hand them to another thread without a copy. */
function earlyBuffers(values) {
  var buffers = [];
  (values || []).forEach(function (v) {
    if (v && v.buffer instanceof ArrayBuffer && buffers.indexOf(v.buffer) < 0) buffers.push(v.buffer);
  });
  return buffers;
}
