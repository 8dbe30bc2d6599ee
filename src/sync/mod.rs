//! Team sync (issue 15): the parts of replication that do no I/O, so native tests drive them.
//! `revtree`: CouchDB's revision trees, their merge and winner rule; `checkpoint`: where a
//! replication got to, and where it resumes; `docs`: records as documents and the revisions a
//! replica gives its own changes.

pub mod checkpoint;
pub mod docs;
pub mod revtree;
