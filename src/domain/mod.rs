//! The business rules in plain Rust: records, commands, queries and aggregates. No browser here,
//! so everything is tested with a native `cargo test`.

pub mod archive;
pub mod assignment;
pub mod dates;
pub mod dedupe;
pub mod demo;
pub mod money;
pub mod pipeline;
pub mod query;
pub mod records;
pub mod sorting;
pub mod summary;
pub mod validate;

pub use archive::{Actor, Applied, Archive, Assignment, ChangeSet, Command, DomainError, Records};
pub use money::{Money, MoneyError};
pub use records::{
    ActivityKind, CommKind, Communication, CompanySize, Currency, FunnelClass, StageOutcome, Contact, Customer, CustomerKind, Intent, Meta, OwnerChange, RecordKind, Rep, Team, Tier,
    Timestamp, Transaction,
};
