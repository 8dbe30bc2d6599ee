//! The business rules in plain Rust: records, commands, queries and aggregates. No browser here,
//! so everything is tested with a native `cargo test`.

pub mod archive;
pub mod assignment;
pub mod backup;
pub mod commands;
pub mod dates;
pub mod dedupe;
pub mod demo;
pub mod entries;
pub mod evaluation;
pub mod forecast;
pub mod incentive;
pub mod kinds;
pub mod money;
pub mod outcome;
pub mod payout;
pub mod people;
pub mod pipeline;
pub mod query;
pub mod quota;
pub mod quota_commands;
pub mod record;
pub mod records;
pub mod revision;
pub mod snapshot;
pub mod sorting;
pub mod summary;
pub mod superseded;
pub mod validate;

pub use archive::{Actor, Applied, Table, UndoToken};
pub use commands::{Assignment, Command, DealsOfDeleted, DomainError, EntryProblem, RecordEntry};
pub use kinds::{AnyRecord, Archive, ChangeSet, PerKind, RecordKind, Records, Stored};
pub use money::{Money, MoneyError};
pub use record::{Entries, Record};
pub use records::{
    ActivityKind, CommKind, Communication, CompanySize, Contact, Currency, Customer, CustomerKind, FunnelClass, Intent,
    Meta, OwnerChange, Rep, StageOutcome, Team, Tier, Timestamp, Today, Transaction, UtcOffset,
};
pub use revision::{Clock, DeviceId, EntryId, Hlc, Stamp};
pub use superseded::Superseded;
