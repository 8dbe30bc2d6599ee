//! One sort routine for the whole app. Every `sort_by` with its own closure type compiles its own
//! copy of the standard library's sort (3-5 KB of wasm each, and the app had ten); sorting row
//! numbers through a `dyn` comparison keeps a single copy, at the cost of an indirect call per
//! comparison (a few milliseconds for 100,000 rows, and sort orders are cached).

use std::cmp::Ordering;

/// Sorts `order` (row numbers) by `compare`; equal rows keep their relative order if `order`
/// started ascending (ties break by row number).
pub fn sort_rows(order: &mut [u32], compare: &dyn Fn(u32, u32) -> Ordering) {
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
}

/// A stable sort of `items` by `compare`, through [`sort_rows`].
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    sort_rows(&mut order, &|a, b| compare(&items[a as usize], &items[b as usize]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().filter_map(|&row| slots[row as usize].take()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_by_the_comparison() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, vec![(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        sort_by(&mut items, |a, b| b.0.cmp(&a.0));
        assert_eq!(items, vec![(3, 'a'), (3, 'c'), (2, 'd'), (1, 'b'), (1, 'e')]);
    }

    #[test]
    fn sorts_rows_with_ties_by_row() {
        let keys = [5, 1, 5, 0];
        let mut order = vec![0, 1, 2, 3];
        sort_rows(&mut order, &|a, b| keys[a as usize].cmp(&keys[b as usize]));
        assert_eq!(order, vec![3, 1, 0, 2]);
    }
}
