//! Keeps a request's reactive owners alive while a server function runs for it.
//!
//! Leptos runs a page's data loading as tasks of their own, which outlive the request when its
//! client goes. If the request's owners are then dropped while such a task reads a context,
//! `use_context` can end up holding the last reference to an ancestor while it has the current
//! owner locked, and the ancestor's clean-up waits for that lock forever: the worker thread
//! deadlocks (seen here under load, a `get_post` stuck in `RwLock::write_contended`). Holding
//! every ancestor for as long as the work runs means none of them can be freed mid-lookup.

use leptos::prelude::Owner;

/// Strong references to the current owner and every ancestor, released on drop, when no
/// context lookup is in progress.
#[derive(Debug)]
pub struct OwnerHold(Vec<Owner>);

impl OwnerHold {
    /// Holds the owner in scope now and its ancestors (none outside a reactive scope).
    pub fn current() -> Self {
        let mut owners = Vec::new();
        let mut next = Owner::current();
        while let Some(owner) = next {
            next = owner.parent();
            owners.push(owner);
        }
        Self(owners)
    }

    /// How many owners are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no owner is held (outside a reactive scope).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_and_its_ancestors_are_held() {
        let root = Owner::new();
        let child = root.child();
        let hold = child.with(OwnerHold::current);
        assert_eq!(hold.len(), 2);
    }

    #[test]
    fn nothing_is_held_outside_a_reactive_scope() {
        assert!(OwnerHold::current().is_empty());
    }
}
