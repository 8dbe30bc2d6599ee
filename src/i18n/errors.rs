//! Why something did not happen, in the user's language: the domain's refusals, the store's
//! failures, field problems, import and backup problems.

use super::app::Msg;
use super::pipeline::PipeMsg;
use super::tools::ToolMsg;
use super::Lang;
use crate::domain::pipeline::{DealProblem, PipelineProblem};
use crate::domain::validate::{FieldError, Problem};
use crate::domain::{DomainError, EntryProblem};
use crate::store::StoreError;

impl Lang {
    pub fn deal_problem(self, problem: DealProblem) -> &'static str {
        self.t(match problem {
            DealProblem::TitleRequired => PipeMsg::ErrTitleRequired,
            DealProblem::TitleTooLong => PipeMsg::ErrTitleTooLong,
            DealProblem::UnknownCustomer => PipeMsg::ErrUnknownCustomer,
            DealProblem::CustomerDeleted => PipeMsg::ErrCustomerDeleted,
            DealProblem::UnknownStage => PipeMsg::ErrUnknownStage,
            DealProblem::ProbabilityOver100 => PipeMsg::ErrProbabilityOver100,
            DealProblem::Difficulty => PipeMsg::ErrDifficulty,
            DealProblem::AmountTooLarge => PipeMsg::ErrAmount,
        })
    }

    pub fn pipeline_problem(self, problem: PipelineProblem) -> String {
        match problem {
            PipelineProblem::UnnamedStage(i) => self.err_unnamed_stage(i + 1),
            PipelineProblem::ProbabilityOver100(i) => self.err_probability(i + 1),
            PipelineProblem::RepeatedStage(i) => self.err_repeated(i + 1),
            PipelineProblem::Missing(outcome) => self.err_missing_outcome(self.stage_outcome(outcome)),
        }
    }

    pub fn entry_problem(self, problem: EntryProblem) -> &'static str {
        self.t(match problem {
            EntryProblem::TextRequired => Msg::ProblemRequired,
            EntryProblem::TextTooLong => Msg::ProblemTextTooLong,
            EntryProblem::AmountRequired => Msg::ProblemAmount,
            EntryProblem::AmountTooLarge => Msg::ProblemTooLarge,
            EntryProblem::RepeatedId => Msg::ErrEntryRepeated,
        })
    }

    /// A domain refusal in words (field problems of customers are shown by their forms).
    pub fn domain_error(self, error: &DomainError) -> String {
        match error {
            DomainError::Deal(problems) => {
                problems.iter().map(|p| self.deal_problem(*p)).collect::<Vec<_>>().join("；")
            }
            DomainError::Pipeline(problems) => {
                problems.iter().map(|p| self.pipeline_problem(*p)).collect::<Vec<_>>().join("；")
            }
            DomainError::Forecast(problems) => {
                problems.iter().map(|p| self.plan_problem(*p)).collect::<Vec<_>>().join("；")
            }
            DomainError::Entry(problem) => self.entry_problem(*problem).to_owned(),
            DomainError::StageInUse(_) => self.t(PipeMsg::ErrStageInUse).to_owned(),
            DomainError::Invalid(errors) => errors.iter().map(|e| self.problem(e)).collect::<Vec<_>>().join("；"),
            DomainError::NotFound(_) | DomainError::AlreadyExists(_) | DomainError::NilId => {
                self.t(Msg::ErrRecordGone).to_owned()
            }
            DomainError::Unreadable => self.t(Msg::ErrUnreadable).to_owned(),
            // The quota area says what is wrong beside what is wrong (its words are in its chunk).
            DomainError::Quota(_) | DomainError::Incentive(_) => self.t(Msg::ErrNotAccepted).to_owned(),
        }
    }

    /// The message for a field problem, shown beside the field.
    pub fn problem(self, error: &FieldError) -> String {
        match error.problem {
            Problem::Required => self.t(Msg::ProblemRequired).to_owned(),
            Problem::TooLong { max } => self.problem_too_long(max),
            Problem::InvalidPhone => self.t(Msg::ProblemPhone).to_owned(),
            Problem::InvalidEmail => self.t(Msg::ProblemEmail).to_owned(),
            Problem::InvalidAmount => self.t(Msg::ProblemAmount).to_owned(),
            Problem::NegativeAmount => self.t(Msg::ProblemNegative).to_owned(),
            Problem::AmountTooLarge => self.t(Msg::ProblemTooLarge).to_owned(),
            Problem::ContactWithoutName => self.t(Msg::ProblemContactName).to_owned(),
        }
    }

    /// Why an import row was refused.
    pub fn import_reason(self, reason: &crate::io::import::Reason) -> String {
        use crate::io::import::Reason;
        match reason {
            Reason::Field(problem) => {
                self.problem(&FieldError { field: crate::domain::validate::Field::Name, problem: *problem })
            }
            Reason::UnknownKind => self.t(ToolMsg::ReasonUnknownKind).to_owned(),
            Reason::UnknownIntent => self.t(ToolMsg::ReasonUnknownIntent).to_owned(),
            Reason::UnknownTier => self.t(ToolMsg::ReasonUnknownTier).to_owned(),
            Reason::UnknownSize => self.t(ToolMsg::ReasonUnknownSize).to_owned(),
            Reason::UnknownOwner => self.t(ToolMsg::ReasonUnknownOwner).to_owned(),
            Reason::BadDate => self.t(ToolMsg::ReasonBadDate).to_owned(),
            Reason::IncompleteDeal => self.t(ToolMsg::ReasonIncompleteDeal).to_owned(),
        }
    }

    /// Why a file could not be opened.
    pub fn table_error(self, error: &crate::io::table::TableError) -> &'static str {
        use crate::io::table::TableError;
        match error {
            TableError::Empty => self.t(ToolMsg::ErrFileEmpty),
            TableError::TooLarge { .. } => self.t(ToolMsg::ErrFileTooLarge),
            TableError::Unreadable(_) => self.t(ToolMsg::ErrFileUnreadable),
        }
    }

    /// Why a backup cannot be restored.
    pub fn backup_error(self, error: &crate::io::backup::BackupError) -> String {
        use crate::io::backup::BackupError;
        match error {
            BackupError::NotABackup => self.t(ToolMsg::ErrNotABackup).to_owned(),
            BackupError::TooNew { .. } => self.t(ToolMsg::ErrBackupTooNew).to_owned(),
            BackupError::CountsDiffer => self.t(ToolMsg::ErrBackupCounts).to_owned(),
            BackupError::BadRecord { kind, index } if kind == "file" => self.err_backup_file(index + 1),
            BackupError::BadRecord { index, .. } => self.err_backup_record(index + 1),
        }
    }

    /// What a user is told when the store refuses.
    pub fn store_error(self, error: &StoreError) -> String {
        match error {
            StoreError::Unavailable(_) => self.t(Msg::ErrUnavailable).to_owned(),
            StoreError::QuotaExceeded => self.t(Msg::ErrQuota).to_owned(),
            StoreError::Blocked => self.t(Msg::ErrBlocked).to_owned(),
            StoreError::Corrupt { key, .. } => self.err_corrupt(key),
            StoreError::WriteFailed(_) => self.t(Msg::ErrWriteFailed).to_owned(),
            StoreError::Newer => self.t(Msg::ErrNewerVersion).to_owned(),
        }
    }
}
