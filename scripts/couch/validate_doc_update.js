// Pocket CRM's rule for a team's CouchDB database (installed by setup.mjs as the design document
// `_design/pocket-crm`). Managers (role `manager`) and server admins write anything. Reps (role
// `rep`) write customers and deals that are theirs or nobody's (the document's `owner` is the
// rep's name in the book, which is their user name on the server), and the superseded values a
// save keeps; they cannot take another rep's record, give a record away, or change the team's
// settings (reps, teams, stages, targets, rules). Anyone else writes nothing. A refused change
// stays on the device that made it, which lists it.
function (newDoc, oldDoc, userCtx) {
  var roles = userCtx.roles || [];
  if (roles.indexOf('_admin') !== -1 || roles.indexOf('manager') !== -1) return;
  if (roles.indexOf('rep') === -1) {
    throw({ forbidden: 'only the team (reps and managers) writes to this book' });
  }
  var repKinds = ['customer', 'deal', 'superseded'];
  var mine = function (doc) { return !doc.owner || doc.owner === userCtx.name; };
  if (oldDoc && !oldDoc._deleted) {
    if (repKinds.indexOf(oldDoc.type) === -1) throw({ forbidden: 'only a manager changes ' + oldDoc.type + ' records' });
    if (!mine(oldDoc)) throw({ forbidden: 'this record belongs to ' + oldDoc.owner });
  }
  if (newDoc._deleted) return;
  if (repKinds.indexOf(newDoc.type) === -1) throw({ forbidden: 'only a manager changes ' + newDoc.type + ' records' });
  if (!mine(newDoc)) throw({ forbidden: 'a rep cannot give a record to ' + newDoc.owner });
}
