//! The words for the domain's values (tiers, intents, kinds, stages' outcomes...) as the UI shows
//! them. The importer has its own synonyms (`io::vocabulary`): rewording these changes no import.

use super::pipeline::PipeMsg;
use super::Lang;
use crate::domain::{CommKind, CompanySize, CustomerKind, Intent, Tier};

impl Lang {
    pub fn funnel_class(self, class: crate::domain::FunnelClass) -> &'static str {
        use crate::domain::FunnelClass::*;
        self.t(match class {
            A => PipeMsg::ClassA,
            B => PipeMsg::ClassB,
            C => PipeMsg::ClassC,
            D => PipeMsg::ClassD,
        })
    }

    pub fn stage_outcome(self, outcome: crate::domain::StageOutcome) -> &'static str {
        use crate::domain::StageOutcome::*;
        self.t(match outcome {
            Open => PipeMsg::OutcomeOpen,
            Won => PipeMsg::OutcomeWon,
            Lost => PipeMsg::OutcomeLost,
        })
    }

    pub fn activity(self, kind: crate::domain::ActivityKind) -> &'static str {
        use crate::domain::ActivityKind::*;
        self.t(match kind {
            Call => PipeMsg::ActCall,
            Visit => PipeMsg::ActVisit,
            Meeting => PipeMsg::ActMeeting,
            Email => PipeMsg::ActEmail,
            Sample => PipeMsg::ActSample,
            Quotation => PipeMsg::ActQuotation,
            Note => PipeMsg::ActNote,
        })
    }

    pub fn tier(self, tier: Tier) -> &'static str {
        match (self, tier) {
            (Lang::Zh, Tier::Strategic) => "战略客户",
            (Lang::Zh, Tier::Key) => "重点客户",
            (Lang::Zh, Tier::Regular) => "普通客户",
            (Lang::Zh, Tier::Prospect) => "潜在客户",
            (Lang::En, Tier::Strategic) => "Strategic",
            (Lang::En, Tier::Key) => "Key",
            (Lang::En, Tier::Regular) => "Regular",
            (Lang::En, Tier::Prospect) => "Prospect",
        }
    }

    pub fn intent(self, intent: Intent) -> &'static str {
        match (self, intent) {
            (Lang::Zh, Intent::High) => "高",
            (Lang::Zh, Intent::Medium) => "中",
            (Lang::Zh, Intent::Low) => "低",
            (Lang::En, Intent::High) => "High",
            (Lang::En, Intent::Medium) => "Medium",
            (Lang::En, Intent::Low) => "Low",
        }
    }

    pub fn kind(self, kind: CustomerKind) -> &'static str {
        match (self, kind) {
            (Lang::Zh, CustomerKind::Organisation) => "企业客户",
            (Lang::Zh, CustomerKind::Individual) => "个人客户",
            (Lang::En, CustomerKind::Organisation) => "Organisation",
            (Lang::En, CustomerKind::Individual) => "Individual",
        }
    }

    pub fn size(self, size: CompanySize) -> &'static str {
        match (self, size) {
            (Lang::Zh, CompanySize::Micro) => "1-9人",
            (Lang::Zh, CompanySize::Small) => "10-49人",
            (Lang::Zh, CompanySize::Medium) => "50-249人",
            (Lang::Zh, CompanySize::Large) => "250人以上",
            (Lang::En, CompanySize::Micro) => "1-9 staff",
            (Lang::En, CompanySize::Small) => "10-49 staff",
            (Lang::En, CompanySize::Medium) => "50-249 staff",
            (Lang::En, CompanySize::Large) => "250+ staff",
        }
    }

    pub fn comm(self, kind: CommKind) -> &'static str {
        match (self, kind) {
            (Lang::Zh, CommKind::Call) => "电话",
            (Lang::Zh, CommKind::Visit) => "拜访",
            (Lang::Zh, CommKind::Meeting) => "会议",
            (Lang::Zh, CommKind::Email) => "邮件",
            (Lang::Zh, CommKind::WeChat) => "微信",
            (Lang::Zh, CommKind::Other) => "其他",
            (Lang::En, CommKind::Call) => "Call",
            (Lang::En, CommKind::Visit) => "Visit",
            (Lang::En, CommKind::Meeting) => "Meeting",
            (Lang::En, CommKind::Email) => "Email",
            (Lang::En, CommKind::WeChat) => "WeChat",
            (Lang::En, CommKind::Other) => "Other",
        }
    }

    /// A record field's name as its form shows it (by the field's declared name).
    pub fn field_label(self, kind: crate::domain::RecordKind, field: &str) -> &'static str {
        use super::app::Msg as M;
        use super::pipeline::PipeMsg as P;
        use crate::domain::RecordKind as K;
        let customer = |m: M| self.t(m);
        let deal = |m: P| self.t(m);
        match (kind, field) {
            (K::Customer, "name") => customer(M::ColName),
            (K::Customer, "kind") => customer(M::Kind),
            (K::Customer, "industry") => customer(M::ColIndustry),
            (K::Customer, "region") => customer(M::ColRegion),
            (K::Customer, "city") => customer(M::ColCity),
            (K::Customer, "address") => customer(M::Address),
            (K::Customer, "size") => customer(M::Size),
            (K::Customer, "potential_value") => customer(M::ColValue),
            (K::Customer, "intent") => customer(M::ColIntent),
            (K::Customer, "tier") => customer(M::ColTier),
            (K::Customer, "tags") => customer(M::Tags),
            (K::Customer | K::Deal, "lead_source") => customer(M::LeadSource),
            (K::Customer | K::Deal, "owner") => customer(M::ColOwner),
            (K::Customer, "notes") => customer(M::Notes),
            (K::Deal, "title") => deal(P::DealTitle),
            (K::Deal, "customer") => deal(P::Customer),
            (K::Deal, "amount") => deal(P::Amount),
            (K::Deal, "currency") => deal(P::Currency),
            (K::Deal, "expected_close") => deal(P::ExpectedClose),
            (K::Deal, "stage") => deal(P::Stage),
            (K::Deal, "probability") => deal(P::Probability),
            (K::Deal, "difficulty") => deal(P::Difficulty),
            (K::Deal, "next_step") => deal(P::NextStep),
            (_, "deleted") => customer(M::Delete),
            _ => customer(M::Other),
        }
    }
}
