//! Finding customers fast: a lower-cased search index kept up to date edit by edit, filters,
//! and sort orders cached per key, so that a keystroke at 100,000 customers costs a few
//! milliseconds instead of lower-casing every row again.

use memchr::memmem;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use uuid::Uuid;

use super::records::{Customer, CustomerKind, Intent, Tier};
use super::sorting::sort_rows;
use super::{Archive, ChangeSet};

const FIELD_SEP: char = '\u{1}';
const ENTRY_SEP: char = '\n';

/// What the list shows: free text plus exact-match filters. Empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    pub text: String,
    pub kind: Option<CustomerKind>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub owner: OwnerFilter,
    pub tier: Option<Tier>,
    pub intent: Option<Intent>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OwnerFilter {
    #[default]
    Any,
    Unassigned,
    Rep(Uuid),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    #[default]
    Name,
    PotentialValue,
    Updated,
    Region,
    Tier,
}

impl SortKey {
    pub const ALL: [SortKey; 5] =
        [SortKey::Name, SortKey::PotentialValue, SortKey::Updated, SortKey::Region, SortKey::Tier];
    pub fn code(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::PotentialValue => "value",
            SortKey::Updated => "updated",
            SortKey::Region => "region",
            SortKey::Tier => "tier",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl CustomerFilter {
    /// The filter as URL query pairs, so a link reopens the same view.
    pub fn to_query_pairs(&self, sort: Sort) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |k, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((k, v));
            }
        };
        push("q", Some(self.text.clone()));
        push("kind", self.kind.map(|k| k.code().to_owned()));
        push("industry", self.industry.clone());
        push("region", self.region.clone());
        push(
            "owner",
            match self.owner {
                OwnerFilter::Any => None,
                OwnerFilter::Unassigned => Some("none".to_owned()),
                OwnerFilter::Rep(id) => Some(id.to_string()),
            },
        );
        push("tier", self.tier.map(|t| t.code().to_owned()));
        push("intent", self.intent.map(|i| i.code().to_owned()));
        if sort != Sort::default() {
            push("sort", Some(format!("{}{}", if sort.descending { "-" } else { "" }, sort.key.code())));
        }
        pairs
    }

    /// Reads a filter back from URL query pairs; unknown or malformed values are ignored.
    pub fn from_query_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Sort) {
        let mut filter = CustomerFilter::default();
        let mut sort = Sort::default();
        for (key, value) in pairs {
            let non_empty = (!value.is_empty()).then(|| value.to_owned());
            match key {
                "q" => filter.text = value.to_owned(),
                "kind" => filter.kind = value.parse().ok(),
                "industry" => filter.industry = non_empty,
                "region" => filter.region = non_empty,
                "owner" => {
                    filter.owner = match value {
                        "none" => OwnerFilter::Unassigned,
                        id => id.parse().map(OwnerFilter::Rep).unwrap_or_default(),
                    }
                }
                "tier" => filter.tier = value.parse().ok(),
                "intent" => filter.intent = value.parse().ok(),
                "sort" => {
                    let (descending, code) = match value.strip_prefix('-') {
                        Some(rest) => (true, rest),
                        None => (false, value),
                    };
                    if let Some(key) = SortKey::ALL.into_iter().find(|k| k.code() == code) {
                        sort = Sort { key, descending };
                    }
                }
                _ => {}
            }
        }
        (filter, sort)
    }
}

/// Splits a typed query into lower-cased terms; every term must match.
pub fn search_terms(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|t| t.chars().filter(|c| !c.is_control()).collect::<String>().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The text a customer is found by: name, city, contacts' names, phones (also as bare digits),
/// emails and WeChat ids, lower-cased. Runs for every customer at load, so text that is ASCII and
/// Chinese (which has no case) takes a fast path.
fn search_text(c: &Customer, out: &mut String) {
    fn push(out: &mut String, s: &str) {
        push_lowered(out, s);
        out.push(FIELD_SEP);
    }
    push(out, &c.name);
    push(out, &c.city);
    for contact in &c.contacts {
        push(out, &contact.name);
        if !contact.phone.is_empty() {
            push(out, &contact.phone);
            out.extend(contact.phone.chars().filter(char::is_ascii_digit));
            out.push(FIELD_SEP);
        }
        push(out, &contact.email);
        push(out, &contact.wechat);
    }
}

/// `s` lower-cased, without control characters, appended to `out`.
fn push_lowered(out: &mut String, s: &str) {
    if s.chars().all(|c| (c.is_ascii() && !c.is_ascii_control()) || caseless(c)) {
        let start = out.len();
        out.push_str(s);
        // Lower-casing ASCII in place leaves the other characters and keeps valid UTF-8.
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(s.chars().filter(|c| !c.is_control()).flat_map(char::to_lowercase));
    }
}

/// A name as the name sort compares it (as the search index holds it): lower-cased, without
/// control characters; borrowed when that changes nothing, as for most Chinese names.
fn sort_name(name: &str) -> Cow<'_, str> {
    let unchanged = |c: char| (c.is_ascii() && !c.is_ascii_control() && !c.is_ascii_uppercase()) || caseless(c);
    if name.chars().all(unchanged) {
        Cow::Borrowed(name)
    } else {
        let mut lowered = String::with_capacity(name.len());
        push_lowered(&mut lowered, name);
        Cow::Owned(lowered)
    }
}

/// CJK symbols and punctuation, kana, Bopomofo, Hangul jamo, enclosed CJK and the ideographs; and
/// the full-width punctuation and digits before the full-width letters (（）in company names): no
/// character here has a case or is a control character (`caseless_ranges_have_no_case`), so
/// lower-casing leaves them as they are.
const CASELESS: [std::ops::RangeInclusive<char>; 2] = ['\u{3000}'..='\u{9FFF}', '\u{FF01}'..='\u{FF20}'];

fn caseless(c: char) -> bool {
    CASELESS.iter().any(|range| range.contains(&c))
}

/// An append-only text index: one entry per customer row, rewritten entries appended at the
/// end and the old ones left as garbage until a rebuild, so an edit costs one row's text.
#[derive(Debug, Default)]
pub struct SearchIndex {
    haystack: String,
    entry_starts: Vec<u32>,
    entry_row: Vec<u32>,
    row_entry: Vec<u32>,
}

impl SearchIndex {
    pub fn build(customers: &[Customer]) -> Self {
        let mut index = SearchIndex::default();
        index.extend_to(customers, customers.len());
        index
    }

    /// Appends the rows after those it holds, up to row `to` (room for all of `customers` is
    /// reserved with the first).
    fn extend_to(&mut self, customers: &[Customer], to: usize) {
        let from = self.rows();
        if from == 0 {
            self.reserve(customers.len());
        }
        for (row, c) in customers.iter().enumerate().take(to).skip(from) {
            self.append(row, c);
        }
    }

    fn reserve(&mut self, rows: usize) {
        self.haystack.reserve(rows * 48);
        self.entry_starts.reserve(rows);
        self.entry_row.reserve(rows);
        self.row_entry.reserve(rows);
    }

    fn append(&mut self, row: usize, c: &Customer) {
        let entry = self.entry_starts.len() as u32;
        self.entry_starts.push(self.haystack.len() as u32);
        self.entry_row.push(row as u32);
        search_text(c, &mut self.haystack);
        self.haystack.push(ENTRY_SEP);
        if row == self.row_entry.len() {
            self.row_entry.push(entry);
        } else {
            self.row_entry[row] = entry;
        }
    }

    pub fn rows(&self) -> usize {
        self.row_entry.len()
    }

    fn entry_text(&self, entry: u32) -> &str {
        let start = self.entry_starts[entry as usize] as usize;
        let end = self.entry_starts.get(entry as usize + 1).map_or(self.haystack.len(), |&e| e as usize);
        &self.haystack[start..end]
    }

    fn row_text(&self, row: usize) -> &str {
        self.entry_text(self.row_entry[row])
    }

    /// Re-indexes changed rows; appended rows must come in order. Rebuilds when garbage
    /// outweighs live text.
    fn update(&mut self, customers: &[Customer], rows: impl IntoIterator<Item = usize>) {
        for row in rows {
            if row <= self.row_entry.len() {
                self.append(row, &customers[row]);
            }
        }
        if self.entry_starts.len() > 2 * self.row_entry.len() + 1024 {
            *self = SearchIndex::build(customers);
        }
    }

    /// Marks every row whose current entry contains `term`.
    fn mark_matches(&self, term: &str, marks: &mut [bool]) {
        let finder = memmem::Finder::new(term.as_bytes());
        let bytes = self.haystack.as_bytes();
        let mut pos = 0;
        let mut entry = 0;
        while let Some(found) = finder.find(&bytes[pos..]) {
            let at = pos + found;
            // Hits come in order: gallop forward from the last entry instead of a full search.
            let mut step = 1;
            while entry + step < self.entry_starts.len() && self.entry_starts[entry + step] as usize <= at {
                entry += step;
                step *= 2;
            }
            let rest = &self.entry_starts[entry..(entry + step).min(self.entry_starts.len())];
            entry += rest.partition_point(|&s| s as usize <= at) - 1;
            let row = self.entry_row[entry] as usize;
            if self.row_entry[row] as usize == entry {
                marks[row] = true;
            }
            // One hit per entry is enough: jump to the next entry.
            pos = self.entry_starts.get(entry + 1).map_or(bytes.len(), |&s| s as usize);
            if pos >= bytes.len() {
                break;
            }
        }
    }

    fn row_contains(&self, row: usize, finder: &memmem::Finder) -> bool {
        finder.find(self.row_text(row).as_bytes()).is_some()
    }
}

/// What the structured filters look at, packed per row so that filtering 100k rows reads 2 MB
/// instead of walking every customer record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Facet {
    deleted: bool,
    kind: CustomerKind,
    tier: Tier,
    intent: Intent,
    industry: u32,
    region: u32,
    owner: u32,
}

/// Numbers for the distinct values of a field, so facets compare integers.
#[derive(Debug, Default)]
struct Interner<K> {
    ids: FxHashMap<K, u32>,
    keys: Vec<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Interner<K> {
    fn id(&mut self, key: K) -> u32 {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key.clone());
        self.ids.insert(key, id);
        id
    }
}

#[derive(Debug, Default)]
struct Facets {
    rows: Vec<Facet>,
    industries: Interner<String>,
    regions: Interner<String>,
    owners: Interner<Option<Uuid>>,
}

impl Facets {
    fn set(&mut self, row: usize, c: &Customer) {
        let facet = Facet {
            deleted: c.meta.is_deleted(),
            kind: c.kind,
            tier: c.tier,
            intent: c.intent,
            industry: intern_str(&mut self.industries, &c.industry),
            region: intern_str(&mut self.regions, &c.region),
            owner: self.owners.id(c.owner),
        };
        if row == self.rows.len() {
            self.rows.push(facet);
        } else if let Some(slot) = self.rows.get_mut(row) {
            *slot = facet;
        }
    }

    /// The filter in facet terms; a value no customer has matches nothing.
    fn compile(&self, filter: &CustomerFilter) -> FacetFilter {
        let lookup = |interner: &Interner<String>, v: &Option<String>| {
            v.as_ref().map(|v| interner.ids.get(v.as_str()).copied().unwrap_or(u32::MAX))
        };
        FacetFilter {
            kind: filter.kind,
            tier: filter.tier,
            intent: filter.intent,
            industry: lookup(&self.industries, &filter.industry),
            region: lookup(&self.regions, &filter.region),
            owner: match filter.owner {
                OwnerFilter::Any => None,
                OwnerFilter::Unassigned => Some(self.owners.ids.get(&None).copied().unwrap_or(u32::MAX)),
                OwnerFilter::Rep(id) => Some(self.owners.ids.get(&Some(id)).copied().unwrap_or(u32::MAX)),
            },
        }
    }
}

/// How many live customers have each value, most common first (ties by value); empty values
/// are left out. Feeds the filter menus.
fn counts(interner: &Interner<String>, facets: &[Facet], field: fn(&Facet) -> u32) -> Vec<(String, usize)> {
    let mut counts = vec![0usize; interner.keys.len()];
    for f in facets.iter().filter(|f| !f.deleted) {
        counts[field(f) as usize] += 1;
    }
    let mut values: Vec<(String, usize)> = interner
        .keys
        .iter()
        .zip(counts)
        .filter(|(k, n)| !k.is_empty() && *n > 0)
        .map(|(k, n)| (k.clone(), n))
        .collect();
    crate::domain::sorting::sort_by(&mut values, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values
}

fn intern_str(interner: &mut Interner<String>, value: &str) -> u32 {
    match interner.ids.get(value) {
        Some(&id) => id,
        None => interner.id(value.to_owned()),
    }
}

struct FacetFilter {
    kind: Option<CustomerKind>,
    tier: Option<Tier>,
    intent: Option<Intent>,
    industry: Option<u32>,
    region: Option<u32>,
    owner: Option<u32>,
}

impl FacetFilter {
    fn accepts(&self, f: &Facet) -> bool {
        !f.deleted
            && self.kind.is_none_or(|k| f.kind == k)
            && self.tier.is_none_or(|t| f.tier == t)
            && self.intent.is_none_or(|i| f.intent == i)
            && self.industry.is_none_or(|v| f.industry == v)
            && self.region.is_none_or(|v| f.region == v)
            && self.owner.is_none_or(|v| f.owner == v)
    }
}

/// Keeps what makes queries fast in step with the archive: the facets, the search index (built
/// when first needed, or after the first paint: see `without_index`), a sorted row order per sort
/// key (built on first use), and the last text result for incremental typing.
#[derive(Debug, Default)]
pub struct CustomerQuery {
    version: u64,
    index: SearchIndex,
    /// Whether `index` holds every row (false until it is first needed or built).
    indexed: bool,
    facets: Facets,
    /// Indexed by `SortKey as usize`.
    orders: [Option<Vec<u32>>; SortKey::ALL.len()],
    last_text: Option<(Vec<String>, Vec<u32>)>,
}

impl CustomerQuery {
    pub fn new(archive: &Archive) -> Self {
        let mut query = CustomerQuery::without_index(archive);
        query.build_index(archive);
        query
    }

    /// A query with no search index yet, which answers everything but a text search: the first
    /// page needs no index, so a load builds it after the first paint (`build_index`). A search
    /// before then builds it first; changes before then are in it, as it is built from the
    /// archive as it then is.
    pub fn without_index(archive: &Archive) -> Self {
        let mut query = CustomerQuery::default();
        let rows = archive.customers.rows();
        query.facets.rows.reserve(rows.len());
        for (row, c) in rows.iter().enumerate() {
            query.facets.set(row, c);
        }
        query.version = archive.version();
        query
    }

    /// Builds the search index of `archive` if it is not built yet (or the rest of it).
    pub fn build_index(&mut self, archive: &Archive) {
        self.build_index_some(archive, usize::MAX);
    }

    /// Adds up to `limit` more rows to the search index, in row order; true once every row is in
    /// it. A load builds the index in slices with the page free between them (reading every
    /// customer's contacts decodes them, see `domain::entries`).
    pub fn build_index_some(&mut self, archive: &Archive, limit: usize) -> bool {
        if self.indexed {
            return true;
        }
        let rows = archive.customers.rows();
        let to = rows.len().min(self.index.rows().saturating_add(limit));
        self.index.extend_to(rows, to);
        self.indexed = to == rows.len();
        self.indexed
    }

    /// Brings the indexes up to date after `changes` were applied (or reverted) on `archive`.
    pub fn note_changes(&mut self, archive: &Archive, changes: &ChangeSet) {
        let rows = archive.customers.rows();
        // Many changes at once (an import): rebuilding is faster than placing each row.
        if changes.replaced_all
            || rows.len() < self.facets.rows.len()
            || changes.ids(crate::domain::RecordKind::Customer).len() > 2_000
        {
            *self = CustomerQuery::new(archive);
            return;
        }
        let mut rows_changed: Vec<u32> = changes
            .ids(crate::domain::RecordKind::Customer)
            .iter()
            .filter_map(|id| archive.customers.row_of(*id))
            .map(|row| row as u32)
            .collect();
        sort_rows(&mut rows_changed, &|a, b| a.cmp(&b));
        rows_changed.dedup();
        let ordered: Vec<usize> = rows_changed.into_iter().map(|row| row as usize).collect();
        for &row in &ordered {
            self.facets.set(row, &rows[row]);
        }
        for (&key, order) in SortKey::ALL.iter().zip(self.orders.iter_mut()).filter_map(|(k, o)| Some((k, o.as_mut()?)))
        {
            // Every changed row out first: one left in place with its new value would leave the
            // order unsorted for the others' binary search.
            order.retain(|&r| ordered.binary_search(&(r as usize)).is_err());
            for &row in &ordered {
                let at = order.partition_point(|&r| compare(key, rows, r as usize, row).is_lt());
                order.insert(at, row as u32);
            }
        }
        // An index not built yet brings the rows it holds up to date; the others are added from
        // the archive as it then is.
        let built = if self.indexed { usize::MAX } else { self.index.rows() };
        self.index.update(rows, ordered.into_iter().filter(|&row| row < built));
        self.last_text = None;
        self.version = archive.version();
    }

    /// Industries of live customers with their counts, most common first.
    pub fn industries(&self) -> Vec<(String, usize)> {
        counts(&self.facets.industries, &self.facets.rows, |f| f.industry)
    }

    /// Regions of live customers with their counts, most common first.
    pub fn regions(&self) -> Vec<(String, usize)> {
        counts(&self.facets.regions, &self.facets.rows, |f| f.region)
    }

    /// How many customers are not deleted.
    pub fn live_count(&self) -> usize {
        self.facets.rows.iter().filter(|f| !f.deleted).count()
    }

    /// The rows (positions in `archive.customers`) that pass the filter, in sort order.
    pub fn run(&mut self, archive: &Archive, filter: &CustomerFilter, sort: Sort) -> Vec<u32> {
        if archive.version() != self.version {
            // Changes arrived without note_changes: rebuild rather than show stale rows.
            *self = CustomerQuery::new(archive);
        }
        let rows = archive.customers.rows();
        let terms = search_terms(&filter.text);
        if !terms.is_empty() {
            self.build_index(archive);
        }
        let text_marks = self.text_matches(&terms);
        let wanted = self.facets.compile(filter);
        let facets = std::mem::take(&mut self.facets.rows);
        let order = self.order(rows, sort.key);
        let keep =
            |&&row: &&u32| text_marks.as_ref().is_none_or(|m| m[row as usize]) && wanted.accepts(&facets[row as usize]);
        let result = if sort.descending {
            order.iter().rev().filter(keep).copied().collect()
        } else {
            order.iter().filter(keep).copied().collect()
        };
        self.facets.rows = facets;
        result
    }

    /// Rows matching every term, or None when there is no text to match.
    fn text_matches(&mut self, terms: &[String]) -> Option<Vec<bool>> {
        if terms.is_empty() {
            return None;
        }
        let rows = self.index.rows();
        let mut marks = vec![false; rows];
        let narrowing = self
            .last_text
            .as_ref()
            .filter(|(old, _)| old.iter().all(|o| terms.iter().any(|t| t.contains(o.as_str()))))
            // Checking most rows one by one is slower than one scan of the whole index.
            .filter(|(_, hits)| hits.len() < rows / 4);
        let (candidates, checked): (Vec<u32>, Vec<&String>) = match narrowing {
            // The user typed on: only the previous hits can still match.
            Some((_, hits)) => (hits.clone(), terms.iter().collect()),
            None => {
                // Scan for the longest term (the most selective), check the others per row.
                let longest =
                    terms.iter().enumerate().max_by_key(|(i, t)| (t.len(), usize::MAX - i)).map_or(0, |(i, _)| i);
                let mut first = vec![false; rows];
                self.index.mark_matches(&terms[longest], &mut first);
                let candidates = (0..rows as u32).filter(|&r| first[r as usize]).collect();
                (candidates, terms.iter().enumerate().filter(|(i, _)| *i != longest).map(|(_, t)| t).collect())
            }
        };
        let finders: Vec<memmem::Finder> = checked.iter().map(|t| memmem::Finder::new(t.as_bytes())).collect();
        let mut hits = Vec::with_capacity(candidates.len());
        for row in candidates {
            if finders.iter().all(|f| self.index.row_contains(row as usize, f)) {
                marks[row as usize] = true;
                hits.push(row);
            }
        }
        self.last_text = Some((terms.to_vec(), hits));
        Some(marks)
    }

    fn order(&mut self, rows: &[Customer], key: SortKey) -> &[u32] {
        self.orders[key as usize].get_or_insert_with(|| {
            let mut order: Vec<u32> = (0..rows.len() as u32).collect();
            // Ties break by row, so an unstable sort gives the same order, faster.
            if key == SortKey::Name {
                // Lower-case each name once instead of twice per comparison.
                let names: Vec<Cow<str>> = rows.iter().map(|c| sort_name(&c.name)).collect();
                sort_rows(&mut order, &|a, b| names[a as usize].cmp(&names[b as usize]).then(a.cmp(&b)));
            } else {
                sort_rows(&mut order, &|a, b| compare(key, rows, a as usize, b as usize));
            }
            order
        })
    }
}

fn compare(key: SortKey, rows: &[Customer], a: usize, b: usize) -> std::cmp::Ordering {
    let (ca, cb) = (&rows[a], &rows[b]);
    let primary = match key {
        SortKey::Name => sort_name(&ca.name).cmp(&sort_name(&cb.name)),
        SortKey::PotentialValue => ca.potential_value.cmp(&cb.potential_value),
        SortKey::Updated => ca.meta.updated_at.cmp(&cb.meta.updated_at),
        SortKey::Region => (&ca.region, &ca.city).cmp(&(&cb.region, &cb.city)),
        SortKey::Tier => ca.tier.cmp(&cb.tier),
    };
    primary.then(a.cmp(&b))
}

#[cfg(test)]
mod tests {
    /// A form's edit of a stored customer, as the customer form sends it.
    fn edit(a: &Archive, after: Customer) -> Command {
        let before = a.customers.get(after.meta.id).unwrap().clone();
        Command::EditCustomer { before: Box::new(before), after: Box::new(after) }
    }

    use super::*;
    use crate::domain::money::Money;
    use crate::domain::records::{Contact, Timestamp};
    use crate::domain::Records;
    use crate::domain::{Actor, Command};

    fn customer(n: u128, name: &str, phone: &str) -> Customer {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.meta.id = Uuid::from_u128(n);
        c.name = name.into();
        c.potential_value = Money(n as i64 * 100);
        if !phone.is_empty() {
            c.contacts.push(Contact { name: format!("联系人{n}"), phone: phone.into(), ..Contact::default() });
        }
        c
    }

    fn archive(customers: Vec<Customer>) -> Archive {
        Archive::from_records(Records { customers, ..Records::default() })
    }

    /// 2,345 demo customers and their reps.
    fn demo_archive(seed: u64) -> Archive {
        let d = crate::domain::demo::generate(
            seed,
            2_345,
            Timestamp(1_790_000_000_000),
            crate::domain::UtcOffset::CHINA,
            "t",
        );
        Archive::from_records(Records { customers: d.customers, reps: d.reps, ..Records::default() })
    }

    fn names(archive: &Archive, rows: &[u32]) -> Vec<String> {
        rows.iter().map(|&r| archive.customers.rows()[r as usize].name.clone()).collect()
    }

    fn text(t: &str) -> CustomerFilter {
        CustomerFilter { text: t.into(), ..CustomerFilter::default() }
    }

    #[test]
    fn finds_by_name_contact_and_phone_digits_case_insensitively() {
        let a = archive(vec![
            customer(1, "Hengda Electric", "138-1234-5678"),
            customer(2, "杭州恒达电器", ""),
            customer(3, "Brightway", "021 6234 5678"),
        ]);
        let mut q = CustomerQuery::new(&a);
        assert_eq!(names(&a, &q.run(&a, &text("HENGDA"), Sort::default())), ["Hengda Electric"]);
        assert_eq!(names(&a, &q.run(&a, &text("恒达"), Sort::default())), ["杭州恒达电器"]);
        assert_eq!(names(&a, &q.run(&a, &text("1381234"), Sort::default())), ["Hengda Electric"]);
        assert_eq!(names(&a, &q.run(&a, &text("联系人3"), Sort::default())), ["Brightway"]);
        assert_eq!(names(&a, &q.run(&a, &text("5678"), Sort::default())), ["Brightway", "Hengda Electric"]);
        assert_eq!(names(&a, &q.run(&a, &text("5678 bright"), Sort::default())), ["Brightway"]);
        assert!(q.run(&a, &text("nothing"), Sort::default()).is_empty());
    }

    #[test]
    fn caseless_ranges_have_no_case() {
        for c in CASELESS.into_iter().flatten() {
            assert!(!c.is_control() && c.to_lowercase().eq([c]), "{c:?} ({:X})", c as u32);
        }
    }

    #[test]
    fn mixed_chinese_latin_and_other_scripts_are_found_lower_cased() {
        let a = archive(vec![
            customer(1, "恒达ABC电器", ""),
            customer(2, "ÉCOLE 北京", ""),
            customer(3, "Ｆｕｌｌ宽", ""),
            customer(4, "杭州\u{7}恒达", ""),
            customer(5, "恒达（上海）ABC", ""),
        ]);
        let mut q = CustomerQuery::new(&a);
        assert_eq!(names(&a, &q.run(&a, &text("达abc电"), Sort::default())), ["恒达ABC电器"]);
        assert_eq!(names(&a, &q.run(&a, &text("école 北"), Sort::default())), ["ÉCOLE 北京"]);
        assert_eq!(names(&a, &q.run(&a, &text("ｆｕｌｌ宽"), Sort::default())), ["Ｆｕｌｌ宽"]);
        // A control character in stored text is left out of the index.
        assert_eq!(names(&a, &q.run(&a, &text("杭州恒达"), Sort::default())), ["杭州\u{7}恒达"]);
        assert_eq!(names(&a, &q.run(&a, &text("（上海）abc"), Sort::default())), ["恒达（上海）ABC"]);
    }

    #[test]
    fn narrowing_while_typing_gives_the_same_as_a_fresh_search() {
        let customers: Vec<Customer> =
            (1..300).map(|n| customer(n, &format!("Company {n} {}", ["north", "south"][n as usize % 2]), "")).collect();
        let a = archive(customers);
        let mut typing = CustomerQuery::new(&a);
        for prefix in ["c", "co", "com", "comp", "company 1", "company 1 n", "company 1 no", "company 1", "s"] {
            let typed = typing.run(&a, &text(prefix), Sort::default());
            let fresh = CustomerQuery::new(&a).run(&a, &text(prefix), Sort::default());
            assert_eq!(typed, fresh, "{prefix}");
        }
    }

    #[test]
    fn a_query_whose_index_is_built_later_answers_as_one_built_at_once() {
        let mut a = demo_archive(7);
        let mut later = CustomerQuery::without_index(&a);
        let mut whole = CustomerQuery::new(&a);
        let region = whole.regions()[1].0.clone();
        let by_region = CustomerFilter { region: Some(region), ..text("") };
        let by_value = Sort { key: SortKey::PotentialValue, descending: true };
        // What the first page asks needs no index.
        for sort in [Sort::default(), by_value] {
            assert_eq!(later.run(&a, &by_region, sort), whole.run(&a, &by_region, sort));
        }
        assert!(!later.indexed);
        // A change before the index is built: the index is built from the archive as it then is.
        let mut renamed = a.customers.rows()[17].clone();
        renamed.name = "Zeta 新名字".into();
        let applied = a.apply(edit(&a, renamed), &Actor::at("t", Timestamp(1_790_000_100_000))).unwrap();
        later.note_changes(&a, &applied.changes);
        whole.note_changes(&a, &applied.changes);
        assert!(!later.indexed);
        for (filter, sort) in [
            (text("新名字"), Sort::default()),
            (text("有限"), Sort::default()),
            (by_region, by_value),
            (text("13"), Sort { key: SortKey::Updated, descending: false }),
        ] {
            assert_eq!(later.run(&a, &filter, sort), whole.run(&a, &filter, sort), "{filter:?}");
        }
        assert!(later.indexed);
        assert_eq!(names(&a, &later.run(&a, &text("zeta"), Sort::default())), ["Zeta 新名字"]);
        assert_eq!((later.industries(), later.live_count()), (whole.industries(), whole.live_count()));
    }

    #[test]
    fn an_index_built_in_slices_with_changes_between_them_answers_as_one_built_at_once() {
        let mut a = demo_archive(9);
        let mut sliced = CustomerQuery::without_index(&a);
        assert!(!sliced.build_index_some(&a, 1_000));
        assert_eq!(sliced.index.rows(), 1_000);
        // Rows already in the index and rows not yet in it change; a customer is added.
        let actor = Actor::at("t", Timestamp(1_790_000_100_000));
        let old_names: Vec<String> = [17, 1_800].iter().map(|&row| a.customers.rows()[row].name.clone()).collect();
        for (row, name) in [(17, "Zeta 已索引"), (1_800, "Omega 未索引")] {
            let mut renamed = a.customers.rows()[row].clone();
            renamed.name = name.into();
            let applied = a.apply(edit(&a, renamed), &actor).unwrap();
            sliced.note_changes(&a, &applied.changes);
        }
        let mut added = Customer { name: "Kappa 新客户".into(), ..Customer::blank(CustomerKind::Organisation) };
        added.meta.id = uuid::Uuid::from_u128(77);
        let applied = a.apply(Command::CreateCustomer(added), &actor).unwrap();
        sliced.note_changes(&a, &applied.changes);
        assert!(!sliced.build_index_some(&a, 1_000));
        assert!(sliced.build_index_some(&a, 1_000));
        assert_eq!(sliced.index.rows(), 2_346);
        let mut whole = CustomerQuery::new(&a);
        for term in ["zeta", "omega", "kappa", "已索引", "有限", "13"] {
            let found = sliced.run(&a, &text(term), Sort::default());
            assert!(!found.is_empty(), "{term}");
            assert_eq!(found, whole.run(&a, &text(term), Sort::default()), "{term}");
        }
        assert_eq!(names(&a, &sliced.run(&a, &text("omega"), Sort::default())), ["Omega 未索引"]);
        // The old names find those rows no more.
        for (row, old) in [17, 1_800].into_iter().zip(old_names) {
            let found = sliced.run(&a, &text(&old), Sort::default());
            assert!(!found.contains(&row), "{old}");
            assert_eq!(found, whole.run(&a, &text(&old), Sort::default()), "{old}");
        }
    }

    #[test]
    fn rows_changed_together_keep_every_order_as_a_fresh_query_has_it() {
        let stored = ["beta", "Alpha", "ALPHA", "a\u{7}c", "Éz", "ab", "Zeta", "zeta", "恒达", "阿里"];
        let customers = stored
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut c = customer(i as u128 + 1, name, "");
                c.meta.updated_at = Timestamp(10 * (i as i64 + 1));
                c.region = ["浙江", "广东", "江苏"][i % 3].into();
                c
            })
            .collect();
        let mut a = archive(customers);
        let mut q = CustomerQuery::new(&a);
        let every: Vec<Sort> =
            SortKey::ALL.iter().flat_map(|&key| [false, true].map(|descending| Sort { key, descending })).collect();
        for &sort in &every {
            q.run(&a, &text(""), sort);
        }
        // Lower-cased, control characters left out, equal names in row order.
        let by_name = ["ab", "a\u{7}c", "Alpha", "ALPHA", "beta", "Zeta", "zeta", "Éz", "恒达", "阿里"];
        assert_eq!(names(&a, &q.run(&a, &text(""), Sort::default())), by_name);
        // One import fills three stored customers and adds two: all stamped at the same moment.
        let fill = [1, 3, 6]
            .map(|n| {
                let mut c = Customer::blank(CustomerKind::Organisation);
                c.potential_value = Money(7);
                c.region = "北京".into();
                (Uuid::from_u128(n), c)
            })
            .to_vec();
        let create = vec![customer(20, "aB", ""), customer(21, "BETA", "")];
        let applied = a.apply(Command::ImportCustomers { create, fill }, &Actor::at("t", Timestamp(1_000))).unwrap();
        assert_eq!(applied.changes.ids(crate::domain::RecordKind::Customer).len(), 5);
        q.note_changes(&a, &applied.changes);
        let mut fresh = CustomerQuery::new(&a);
        for &sort in &every {
            assert_eq!(names(&a, &q.run(&a, &text(""), sort)), names(&a, &fresh.run(&a, &text(""), sort)), "{sort:?}");
        }
    }

    #[test]
    fn edits_update_search_and_sort_without_rebuild() {
        let mut a = archive(vec![customer(1, "Alpha", ""), customer(2, "Beta", ""), customer(3, "Gamma", "")]);
        let mut q = CustomerQuery::new(&a);
        let by_name = Sort::default();
        assert_eq!(names(&a, &q.run(&a, &text(""), by_name)), ["Alpha", "Beta", "Gamma"]);
        let actor = Actor::at("t", Timestamp(5));
        let applied = a.apply(edit(&a, customer(1, "Zeta", "")), &actor).unwrap();
        q.note_changes(&a, &applied.changes);
        assert_eq!(names(&a, &q.run(&a, &text(""), by_name)), ["Beta", "Gamma", "Zeta"]);
        assert!(q.run(&a, &text("alpha"), by_name).is_empty(), "the old text is no longer found");
        let applied = a.apply(Command::CreateCustomer(customer(4, "Delta", "")), &actor).unwrap();
        q.note_changes(&a, &applied.changes);
        assert_eq!(names(&a, &q.run(&a, &text(""), by_name)), ["Beta", "Delta", "Gamma", "Zeta"]);
        let applied = a
            .apply(
                Command::DeleteCustomer { id: Uuid::from_u128(2), deals: crate::domain::DealsOfDeleted::Delete },
                &actor,
            )
            .unwrap();
        q.note_changes(&a, &applied.changes);
        assert_eq!(names(&a, &q.run(&a, &text(""), by_name)), ["Delta", "Gamma", "Zeta"]);
        // Many edits force a compaction of the index; results stay right.
        for i in 0..3000 {
            let applied = a.apply(edit(&a, customer(3, &format!("Gamma{i}"), "")), &actor).unwrap();
            q.note_changes(&a, &applied.changes);
        }
        assert_eq!(names(&a, &q.run(&a, &text("gamma2999"), by_name)), ["Gamma2999"]);
        assert!(q.index.entry_starts.len() < 3000);
    }

    #[test]
    fn filters_and_sorts_combine() {
        let mut cs: Vec<Customer> = (1..=6).map(|n| customer(n, &format!("C{n}"), "")).collect();
        cs[0].tier = Tier::Key;
        cs[2].tier = Tier::Key;
        cs[2].region = "浙江".into();
        cs[4].tier = Tier::Key;
        cs[4].region = "浙江".into();
        let a = archive(cs);
        let mut q = CustomerQuery::new(&a);
        let filter = CustomerFilter { tier: Some(Tier::Key), ..CustomerFilter::default() };
        let by_value_desc = Sort { key: SortKey::PotentialValue, descending: true };
        assert_eq!(names(&a, &q.run(&a, &filter, by_value_desc)), ["C5", "C3", "C1"]);
        let filter = CustomerFilter { region: Some("浙江".into()), ..filter };
        assert_eq!(names(&a, &q.run(&a, &filter, Sort::default())), ["C3", "C5"]);
    }

    #[test]
    fn owner_and_unknown_values_filter_and_follow_edits() {
        let mut cs: Vec<Customer> = (1..=4).map(|n| customer(n, &format!("C{n}"), "")).collect();
        cs[0].owner = Some(Uuid::from_u128(100));
        cs[1].owner = Some(Uuid::from_u128(100));
        cs[2].industry = "家电".into();
        let mut a = archive(cs);
        let mut q = CustomerQuery::new(&a);
        let by = |owner| CustomerFilter { owner, ..CustomerFilter::default() };
        assert_eq!(names(&a, &q.run(&a, &by(OwnerFilter::Rep(Uuid::from_u128(100))), Sort::default())), ["C1", "C2"]);
        assert_eq!(names(&a, &q.run(&a, &by(OwnerFilter::Unassigned), Sort::default())), ["C3", "C4"]);
        assert!(q.run(&a, &by(OwnerFilter::Rep(Uuid::from_u128(5))), Sort::default()).is_empty());
        let unknown = CustomerFilter { industry: Some("航天".into()), ..CustomerFilter::default() };
        assert!(q.run(&a, &unknown, Sort::default()).is_empty());
        // An edit moves a customer into a filter it did not match before.
        let mut edited = a.customers.rows()[3].clone();
        edited.industry = "航天".into();
        let actor = Actor::at("t", Timestamp(9));
        let applied = a.apply(edit(&a, edited), &actor).unwrap();
        q.note_changes(&a, &applied.changes);
        assert_eq!(names(&a, &q.run(&a, &unknown, Sort::default())), ["C4"]);
    }

    #[test]
    fn filter_menus_count_live_values_most_common_first() {
        let cs: Vec<Customer> = (0..500u128)
            .map(|n| {
                let mut c = customer(n + 1, "x", "");
                c.region = if n % 2 == 0 { "浙江".into() } else { format!("R{}", n % 200) };
                c
            })
            .collect();
        let mut a = archive(cs);
        let mut q = CustomerQuery::new(&a);
        let values = q.regions();
        assert_eq!(values[0], ("浙江".to_string(), 250));
        assert_eq!(values.len(), 101);
        assert_eq!(values.iter().map(|(_, n)| n).sum::<usize>(), 500);
        assert!(values[1..].iter().all(|(_, n)| *n == 2 || *n == 3), "{values:?}");
        assert!(q.industries().is_empty(), "blank industries are not offered");
        let actor = Actor::at("t", Timestamp(9));
        let applied = a
            .apply(
                Command::DeleteCustomer { id: Uuid::from_u128(1), deals: crate::domain::DealsOfDeleted::Delete },
                &actor,
            )
            .unwrap();
        q.note_changes(&a, &applied.changes);
        assert_eq!(q.regions()[0], ("浙江".to_string(), 249));
        assert_eq!(q.live_count(), 499);
    }

    #[test]
    fn filter_round_trips_through_the_url() {
        let filter = CustomerFilter {
            text: "恒达 138".into(),
            kind: Some(CustomerKind::Individual),
            industry: Some("家电".into()),
            region: None,
            owner: OwnerFilter::Rep(Uuid::from_u128(7)),
            tier: Some(Tier::Strategic),
            intent: Some(Intent::Low),
        };
        let sort = Sort { key: SortKey::Updated, descending: true };
        let pairs = filter.to_query_pairs(sort);
        let back = CustomerFilter::from_query_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, (filter, sort));
        let (junk, junk_sort) =
            CustomerFilter::from_query_pairs([("tier", "platinum"), ("owner", "x"), ("sort", "-zzz")]);
        assert_eq!((junk, junk_sort), (CustomerFilter::default(), Sort::default()));
    }
}
