//! The app's views as URL fragments (`#/customers?tier=key`), so any link or reload reopens the
//! same view on any static host. Plain Rust, tested natively.

use uuid::Uuid;

use chrono::NaiveDate;

use crate::domain::dates::parse_date;
use crate::domain::forecast::{Fx, Period, PeriodKind, Scope};
use crate::domain::query::{CustomerFilter, Sort};
use crate::domain::quota::Measure;
use crate::domain::Currency;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The customer list; the query holds filters and sort.
    Customers {
        query: Vec<(String, String)>,
    },
    NewCustomer,
    Customer(Uuid),
    EditCustomer(Uuid),
    /// Import, export, backup and restore (part of the customer area); the query holds the
    /// customer list's filters, for exporting what the list showed.
    Data {
        query: Vec<(String, String)>,
    },
    /// The board; the query holds its filters (`owner`, `q`).
    Pipeline {
        query: Vec<(String, String)>,
    },
    /// The pipeline's stages and time rules.
    Stages,
    Deal(Uuid),
    /// A new deal, for a customer if given.
    NewDeal {
        customer: Option<Uuid>,
    },
    EditDeal(Uuid),
    /// The funnel and forecast; the query holds the period and filters (`period`, `at`,
    /// `owner`, `source`).
    Forecast {
        query: Vec<(String, String)>,
    },
    /// Targets, attainment, incentives, evaluations, allotments, calendar and people; the query
    /// holds the tab, period and measure (`tab`, `period`, `at`, `measure`).
    Quotas {
        query: Vec<(String, String)>,
    },
    Assignment,
    Routes,
    Reports,
    Settings,
    /// Team sync: change files sent and taken in.
    Team,
}

impl Default for Route {
    fn default() -> Self {
        Route::Customers { query: Vec::new() }
    }
}

/// The areas in the navigation, in order.
pub const AREAS: [Route; 8] = [
    Route::Customers { query: Vec::new() },
    Route::Pipeline { query: Vec::new() },
    Route::Forecast { query: Vec::new() },
    Route::Quotas { query: Vec::new() },
    Route::Assignment,
    Route::Routes,
    Route::Reports,
    Route::Settings,
];

impl Route {
    /// Parses a location hash (`#/customers/…`); anything unknown is the customer list.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["customers", "new"] => Route::NewCustomer,
            ["customers", id] => id.parse().map(Route::Customer).unwrap_or_default(),
            ["customers", id, "edit"] => id.parse().map(Route::EditCustomer).unwrap_or_default(),
            ["data"] => Route::Data { query: parse_query(query) },
            ["pipeline"] => Route::Pipeline { query: parse_query(query) },
            ["pipeline", "stages"] => Route::Stages,
            ["deals", "new"] => Route::NewDeal {
                customer: parse_query(query).iter().find(|(k, _)| k == "customer").and_then(|(_, v)| v.parse().ok()),
            },
            ["deals", id] => id.parse().map(Route::Deal).unwrap_or_default(),
            ["deals", id, "edit"] => id.parse().map(Route::EditDeal).unwrap_or_default(),
            ["forecast"] => Route::Forecast { query: parse_query(query) },
            ["quotas"] => Route::Quotas { query: parse_query(query) },
            ["assignment"] => Route::Assignment,
            ["routes"] => Route::Routes,
            ["reports"] => Route::Reports,
            ["settings"] => Route::Settings,
            ["team"] => Route::Team,
            _ => Route::Customers { query: parse_query(query) },
        }
    }

    /// The hash for this route, starting with `#/`.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Customers { query } => with_query("#/customers", query),
            Route::NewCustomer => "#/customers/new".to_owned(),
            Route::Customer(id) => format!("#/customers/{id}"),
            Route::EditCustomer(id) => format!("#/customers/{id}/edit"),
            Route::Data { query } => with_query("#/data", query),
            Route::Pipeline { query } => with_query("#/pipeline", query),
            Route::Stages => "#/pipeline/stages".to_owned(),
            Route::Deal(id) => format!("#/deals/{id}"),
            Route::NewDeal { customer: None } => "#/deals/new".to_owned(),
            Route::NewDeal { customer: Some(id) } => format!("#/deals/new?customer={id}"),
            Route::EditDeal(id) => format!("#/deals/{id}/edit"),
            Route::Forecast { query } => with_query("#/forecast", query),
            Route::Quotas { query } => with_query("#/quotas", query),
            Route::Assignment => "#/assignment".to_owned(),
            Route::Routes => "#/routes".to_owned(),
            Route::Reports => "#/reports".to_owned(),
            Route::Settings => "#/settings".to_owned(),
            Route::Team => "#/team".to_owned(),
        }
    }

    /// The customer list's filters and sort this route carries (the list's own, or the ones the
    /// list handed to the import/export page); none for other routes.
    pub fn customer_filter(&self) -> (CustomerFilter, Sort) {
        match self {
            Route::Customers { query } | Route::Data { query } => {
                CustomerFilter::from_query_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            }
            _ => Default::default(),
        }
    }

    /// The value of `key` in this route's query, if it has one.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        let query = match self {
            Route::Customers { query }
            | Route::Data { query }
            | Route::Pipeline { query }
            | Route::Forecast { query }
            | Route::Quotas { query } => query,
            _ => return None,
        };
        query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The forecast's period and scope this route carries: `period` (month, quarter, year;
    /// a quarter if absent), the period holding `at` (today if absent or not a date), `owner`
    /// (a rep id), `team` (a team id; its reps are looked up by the caller), `source` (a lead
    /// source), `currency` (yuan if absent; `all`: every currency converted with the book's
    /// rates, which the caller fills in).
    pub fn forecast_view(&self, today: NaiveDate) -> (Period, Scope) {
        let kind = self.query_value("period").and_then(PeriodKind::from_code).unwrap_or(PeriodKind::Quarter);
        let at = self.query_value("at").and_then(parse_date).unwrap_or(today);
        let all = self.query_value("currency") == Some("all");
        let scope = Scope {
            currency: self.query_value("currency").and_then(|c| c.parse().ok()).unwrap_or(Currency::Cny),
            // Every currency converted: the rates are the book's, filled in by the page.
            fx: all.then(|| Fx { company: Currency::Cny, rates: Vec::new() }),
            owner: self.query_value("owner").and_then(|o| o.parse().ok()),
            team: self.query_value("team").and_then(|o| o.parse().ok()),
            members: Vec::new(),
            lead_source: self.query_value("source").filter(|s| !s.is_empty()).map(str::to_owned),
        };
        (Period::containing(kind, at), scope)
    }

    /// The quota area's view this route carries: the tab (`targets` if absent), the period
    /// (`period`: month, quarter or year, a month if absent; the one holding `at`, or today) and
    /// the measure (`measure`: amount if absent).
    pub fn quota_view(&self, today: NaiveDate) -> (String, Period, Measure) {
        let tab = self.query_value("tab").unwrap_or("targets").to_owned();
        let kind = self.query_value("period").and_then(PeriodKind::from_code).unwrap_or(PeriodKind::Month);
        let at = self.query_value("at").and_then(parse_date).unwrap_or(today);
        let measure = self.query_value("measure").and_then(Measure::from_code).unwrap_or(Measure::Amount);
        (tab, Period::containing(kind, at), measure)
    }

    /// Which navigation area this route belongs to.
    pub fn area(&self) -> usize {
        match self {
            Route::Customers { .. }
            | Route::NewCustomer
            | Route::Customer(_)
            | Route::EditCustomer(_)
            | Route::Data { .. } => 0,
            Route::Pipeline { .. } | Route::Stages | Route::Deal(_) | Route::NewDeal { .. } | Route::EditDeal(_) => 1,
            Route::Forecast { .. } => 2,
            Route::Quotas { .. } => 3,
            Route::Assignment => 4,
            Route::Routes => 5,
            Route::Reports => 6,
            Route::Settings | Route::Team => 7,
        }
    }
}

/// `query` with each of `pairs` set, or (with `None` or empty) removed.
pub fn set_pairs(mut query: Vec<(String, String)>, pairs: Vec<(&str, Option<String>)>) -> Vec<(String, String)> {
    for (key, value) in pairs {
        query.retain(|(k, _)| k != key);
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            query.push((key.to_owned(), v));
        }
    }
    query
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn with_query(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        s.append_pair(k, v);
    }
    format!("{path}?{}", s.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn every_route_round_trips_through_its_hash() {
        let id = Uuid::from_u128(42);
        let routes = [
            Route::Customers { query: vec![("q".into(), "恒达 138".into()), ("tier".into(), "key".into())] },
            Route::NewCustomer,
            Route::Customer(id),
            Route::EditCustomer(id),
            Route::Settings,
            Route::Team,
            Route::Reports,
            Route::Data { query: vec![] },
            Route::Data { query: vec![("tier".into(), "key".into())] },
            Route::Pipeline { query: vec![("owner".into(), id.to_string())] },
            Route::Stages,
            Route::Deal(id),
            Route::NewDeal { customer: None },
            Route::NewDeal { customer: Some(id) },
            Route::EditDeal(id),
            Route::Forecast { query: vec![("period".into(), "month".into()), ("at".into(), "2026-12-01".into())] },
        ];
        for route in routes.into_iter().chain(AREAS) {
            assert_eq!(Route::parse(&route.to_hash()), route, "{}", route.to_hash());
        }
    }

    #[test]
    fn the_list_and_the_export_page_read_the_same_filters() {
        let query = vec![("q".to_owned(), "恒达".to_owned()), ("tier".to_owned(), "key".to_owned())];
        let list = Route::Customers { query: query.clone() }.customer_filter();
        assert_eq!(list.0.text, "恒达");
        assert_eq!(Route::Data { query }.customer_filter(), list);
        assert_eq!(Route::Settings.customer_filter(), Default::default());
    }

    #[test]
    fn the_forecast_reads_its_period_and_scope_from_the_address() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let (period, scope) = Route::parse("#/forecast").forecast_view(today);
        assert_eq!((period.kind, period.start), (PeriodKind::Quarter, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
        assert_eq!(scope, Scope::default());
        let rep = Uuid::from_u128(7);
        let route = Route::parse(&format!(
            "#/forecast?period=month&at=2027-02-14&owner={rep}&source=%E5%B9%BF%E4%BA%A4%E4%BC%9A&currency=USD"
        ));
        let (period, scope) = route.forecast_view(today);
        assert_eq!((period.kind, period.start), (PeriodKind::Month, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()));
        assert_eq!(
            (scope.owner, scope.lead_source.as_deref(), scope.currency),
            (Some(rep), Some("广交会"), Currency::Usd)
        );
        let (_, scope) = Route::parse("#/forecast?currency=all").forecast_view(today);
        assert!(scope.fx.is_some());
        // Nonsense falls back to the defaults.
        let (period, scope) = Route::parse("#/forecast?period=week&at=tomorrow&owner=x").forecast_view(today);
        assert_eq!((period.kind, period.start.month(), scope.owner), (PeriodKind::Quarter, 10, None));
    }

    #[test]
    fn pairs_are_set_replaced_and_removed() {
        let query = vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), "2".to_owned())];
        let got = set_pairs(query, vec![("a", Some("3".into())), ("b", None), ("c", Some(String::new()))]);
        assert_eq!(got, [("a".to_owned(), "3".to_owned())]);
    }

    #[test]
    fn unknown_or_broken_hashes_open_the_customer_list() {
        for hash in ["", "#", "#/", "#/nowhere", "#/customers/not-a-uuid", "#/customers/1/2/3"] {
            assert!(matches!(Route::parse(hash), Route::Customers { .. }), "{hash}");
        }
    }
}
