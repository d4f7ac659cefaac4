//! How a page follows the tab's changes: [`follow_changes`] hands a page each batch of changes
//! that arrive while it is shown; [`follow_list`] keeps a list of posts current, with the bar
//! that offers its new posts ([`new_posts_bar`]).

use std::{
    cell::Cell,
    sync::{Arc, Mutex, PoisonError},
};

use leptos::prelude::*;

use crate::live::{
    feed,
    model::{Change, new_posts_label},
};

/// Calls `handle` with the changes the tab receives while this page is shown (in the browser
/// only; a server-rendered page is not live until it hydrates). A gap in what the tab kept
/// comes as [`Change::Missed`]. What `handle` reads reactively is tracked: when it changes,
/// `handle` is called again, with no changes.
pub fn follow_changes(handle: impl Fn(Vec<Change>) + 'static) {
    // One effect type for every page: its code is compiled once, not once per page. Types the
    // app already uses (a trigger, an effect without state) keep Leptos' generic code shared.
    let handle: Box<dyn Fn(Vec<Change>)> = Box::new(handle);
    let seen = Cell::new(None::<u64>);
    Effect::new(move |_| {
        feed::arrivals().track();
        let mut at = seen.get().unwrap_or_else(feed::position);
        let changes = match feed::since(&mut at) {
            Some(texts) => texts
                .iter()
                .filter_map(|text| Change::from_wire(text))
                .collect(),
            None => vec![Change::Missed],
        };
        seen.set(Some(at));
        handle(changes);
    });
}

/// New posts waiting above a list for the reader to show them: their ids, and what fires when
/// they change.
#[derive(Clone, Default)]
pub struct Waiting {
    ids: Arc<Mutex<Vec<i64>>>,
    changed: ArcTrigger,
}

impl Waiting {
    /// How many wait (tracked).
    fn count(&self) -> usize {
        self.changed.track();
        self.with(|ids| ids.len())
    }

    fn with<T>(&self, read: impl FnOnce(&mut Vec<i64>) -> T) -> T {
        let mut ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        read(&mut ids)
    }

    fn add(&self, post: i64) {
        if self.with(|ids| {
            !ids.contains(&post) && {
                ids.push(post);
                true
            }
        }) {
            self.changed.notify();
        }
    }

    fn remove(&self, post: i64) {
        if self.with(|ids| {
            let before = ids.len();
            ids.retain(|id| *id != post);
            ids.len() != before
        }) {
            self.changed.notify();
        }
    }

    /// Posts that are in the list now wait no more: one published while the list loaded may
    /// be in it once it has.
    fn drop_listed(&self, listed: &[i64]) {
        if self.with(|ids| {
            let before = ids.len();
            ids.retain(|id| !listed.contains(id));
            ids.len() != before
        }) {
            self.changed.notify();
        }
    }

    fn clear(&self) {
        if self.with(|ids| !std::mem::take(ids).is_empty()) {
            self.changed.notify();
        }
    }
}

/// Follows the changes for a list of posts: a new post that `belongs` to it (by its author's
/// id and its tags' keys) waits in the returned signal for the reader to show it (only when
/// `first_page`, where new posts appear); an edit or deletion of a post in `shown`, or missed
/// changes, refresh the list. A refresh shows the waiting posts too. `shown` reads the list
/// tracked: a waiting post that the list holds once it (re)loads waits no more.
pub fn follow_list(
    first_page: impl Fn() -> bool + 'static,
    shown: impl Fn() -> Vec<i64> + 'static,
    belongs: impl Fn(i64, &[String]) -> bool + 'static,
    refresh: impl Fn() + 'static,
) -> Waiting {
    follow_list_with(
        Box::new(first_page),
        Box::new(shown),
        Box::new(belongs),
        Box::new(refresh),
    )
}

/// Whether a new post, by its author's id and its tags' keys, belongs to a list.
type Belongs = dyn Fn(i64, &[String]) -> bool;

/// [`follow_list`], compiled once for every page.
fn follow_list_with(
    first_page: Box<dyn Fn() -> bool>,
    shown: Box<dyn Fn() -> Vec<i64>>,
    belongs: Box<Belongs>,
    refresh: Box<dyn Fn()>,
) -> Waiting {
    let waiting = Waiting::default();
    let follower = waiting.clone();
    follow_changes(move |changes| {
        let waiting = &follower;
        let listed = shown();
        waiting.drop_listed(&listed);
        let mut stale = false;
        for change in changes {
            match change {
                Change::Published { post, author, tags } => {
                    if first_page() && belongs(author, &tags) && !listed.contains(&post) {
                        waiting.add(post);
                    }
                }
                Change::Edited { post } => stale |= listed.contains(&post),
                Change::Deleted { post } => {
                    waiting.remove(post);
                    stale |= listed.contains(&post);
                }
                Change::Missed => stale = true,
                Change::Users => {}
            }
        }
        if stale {
            waiting.clear();
            refresh();
        }
    });
    waiting
}

/// The quiet bar above a list with new posts waiting: "1 new post: show", "2 new posts:
/// show"; pressing it runs `show`, which shows them in place. Nothing while none wait.
pub fn new_posts_bar(
    waiting: Waiting,
    show: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let count = waiting.count();
        let waiting = waiting.clone();
        (count > 0).then(move || {
            view! {
                <div class="new-posts" role="status">
                    <button type="button" on:click=move |_| {
                        waiting.clear();
                        show();
                    }>{new_posts_label(count)}</button>
                </div>
            }
        })
    }
}
