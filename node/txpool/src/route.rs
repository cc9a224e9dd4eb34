//! The route between two best blocks: the blocks the best chain lost
//! (retracted, from the old best down) and the blocks it gained (enacted,
//! up to the new best), through their common ancestor.

use entroos_client_api::HeaderBackend;
use entroos_primitives::{BlockNumber, Header, H256};

/// The most blocks walked on either side of a route.
pub const MAX_ROUTE: usize = 256;

/// The blocks between an old and a new best block.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// Blocks no longer on the best chain, the old best first.
    pub retracted: Vec<Header>,
    /// Blocks now on it, the lowest first, the new best last.
    pub enacted: Vec<Header>,
}

/// The route from `old` to `new`, or `None` if a header on the way is gone
/// (discarded by finality) or the route is longer than [`MAX_ROUTE`].
pub fn route(chain: &dyn HeaderBackend, old: (BlockNumber, H256), new: &Header) -> Option<Route> {
    let mut old_cursor = chain.header(&old.1).ok()??;
    let mut new_cursor = new.clone();
    let mut route = Route::default();
    while new_cursor.number > old_cursor.number {
        let parent = new_cursor.parent_hash;
        route.enacted.push(std::mem::replace(
            &mut new_cursor,
            chain.header(&parent).ok()??,
        ));
        if route.enacted.len() > MAX_ROUTE {
            return None;
        }
    }
    while old_cursor.number > new_cursor.number {
        let parent = old_cursor.parent_hash;
        route.retracted.push(std::mem::replace(
            &mut old_cursor,
            chain.header(&parent).ok()??,
        ));
        if route.retracted.len() > MAX_ROUTE {
            return None;
        }
    }
    while old_cursor.hash() != new_cursor.hash() {
        let (old_parent, new_parent) = (old_cursor.parent_hash, new_cursor.parent_hash);
        route.retracted.push(std::mem::replace(
            &mut old_cursor,
            chain.header(&old_parent).ok()??,
        ));
        route.enacted.push(std::mem::replace(
            &mut new_cursor,
            chain.header(&new_parent).ok()??,
        ));
        if route.enacted.len() > MAX_ROUTE {
            return None;
        }
    }
    route.enacted.reverse();
    Some(route)
}
