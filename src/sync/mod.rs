//! Team sync (issue 15): the parts of replication that do no I/O, so native tests drive them.
//! `changes`: change files for a team with no server (names, content, taking one in);
//! `folder`: which files of a shared folder (a cloud drive's) to take in;
//! `revtree`: CouchDB's revision trees, their merge and winner rule; `checkpoint`: where a
//! replication got to, and where it resumes; `docs`: records as documents and the revisions a
//! replica gives its own changes; `replicate`: pull and push, a batch at a time, as a state
//! machine the page drives over `fetch` and tests drive against an in-memory server; `book`: the
//! book's records as the local side of a replication.

pub mod book;
pub mod changes;
pub mod checkpoint;
pub mod docs;
pub mod folder;
pub mod replicate;
pub mod revtree;
