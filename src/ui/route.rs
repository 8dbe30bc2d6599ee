//! The app's views as URL fragments (`#/customers?tier=key`), so any link or reload reopens the
//! same view on any static host. Plain Rust, tested natively.

use uuid::Uuid;

use crate::domain::query::{CustomerFilter, Sort};

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
    Forecast,
    Quotas,
    Assignment,
    Routes,
    Reports,
    Settings,
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
    Route::Forecast,
    Route::Quotas,
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
            ["forecast"] => Route::Forecast,
            ["quotas"] => Route::Quotas,
            ["assignment"] => Route::Assignment,
            ["routes"] => Route::Routes,
            ["reports"] => Route::Reports,
            ["settings"] => Route::Settings,
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
            Route::Forecast => "#/forecast".to_owned(),
            Route::Quotas => "#/quotas".to_owned(),
            Route::Assignment => "#/assignment".to_owned(),
            Route::Routes => "#/routes".to_owned(),
            Route::Reports => "#/reports".to_owned(),
            Route::Settings => "#/settings".to_owned(),
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

    /// Which navigation area this route belongs to.
    pub fn area(&self) -> usize {
        match self {
            Route::Customers { .. }
            | Route::NewCustomer
            | Route::Customer(_)
            | Route::EditCustomer(_)
            | Route::Data { .. } => 0,
            Route::Pipeline { .. } | Route::Stages | Route::Deal(_) | Route::NewDeal { .. } | Route::EditDeal(_) => 1,
            Route::Forecast => 2,
            Route::Quotas => 3,
            Route::Assignment => 4,
            Route::Routes => 5,
            Route::Reports => 6,
            Route::Settings => 7,
        }
    }
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

    #[test]
    fn every_route_round_trips_through_its_hash() {
        let id = Uuid::from_u128(42);
        let routes = [
            Route::Customers { query: vec![("q".into(), "恒达 138".into()), ("tier".into(), "key".into())] },
            Route::NewCustomer,
            Route::Customer(id),
            Route::EditCustomer(id),
            Route::Settings,
            Route::Reports,
            Route::Data { query: vec![] },
            Route::Data { query: vec![("tier".into(), "key".into())] },
            Route::Pipeline { query: vec![("owner".into(), id.to_string())] },
            Route::Stages,
            Route::Deal(id),
            Route::NewDeal { customer: None },
            Route::NewDeal { customer: Some(id) },
            Route::EditDeal(id),
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
    fn unknown_or_broken_hashes_open_the_customer_list() {
        for hash in ["", "#", "#/", "#/nowhere", "#/customers/not-a-uuid", "#/customers/1/2/3"] {
            assert!(matches!(Route::parse(hash), Route::Customers { .. }), "{hash}");
        }
    }
}
