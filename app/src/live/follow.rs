//! How a page follows the tab's changes: [`follow_changes`] hands a page each batch of changes
//! that arrive while it is shown; [`follow_list`] keeps a list of posts current, with the bar
//! that offers its new posts ([`new_posts_bar`]).

use leptos::prelude::*;

use crate::live::{
    feed,
    model::{Change, new_posts_label},
};

/// Calls `handle` with the changes the tab receives while this page is shown (in the browser
/// only; a server-rendered page is not live until it hydrates). A gap in what the tab kept
/// comes as [`Change::Missed`].
pub fn follow_changes(handle: impl Fn(Vec<Change>) + 'static) {
    // One effect type for every page: its code is compiled once, not once per page.
    let handle: Box<dyn Fn(Vec<Change>)> = Box::new(handle);
    Effect::new(move |seen: Option<u64>| {
        feed::arrivals().track();
        let mut at = seen.unwrap_or_else(feed::position);
        let changes = match feed::since(&mut at) {
            Some(texts) => texts
                .iter()
                .filter_map(|text| Change::from_wire(text))
                .collect(),
            None => vec![Change::Missed],
        };
        if !changes.is_empty() {
            handle(changes);
        }
        at
    });
}

/// Follows the changes for a list of posts: a new post that `belongs` to it (by its author's
/// id and its tags' keys) waits in the returned signal for the reader to show it (only when
/// `first_page`, where new posts appear); an edit or deletion of a post in `shown`, or missed
/// changes, refresh the list. A refresh shows the waiting posts too.
pub fn follow_list(
    first_page: impl Fn() -> bool + 'static,
    shown: impl Fn() -> Vec<i64> + 'static,
    belongs: impl Fn(i64, &[String]) -> bool + 'static,
    refresh: impl Fn() + 'static,
) -> RwSignal<Vec<i64>> {
    follow_list_with(
        Box::new(first_page),
        Box::new(shown),
        Box::new(belongs),
        Box::new(refresh),
    )
}

/// [`follow_list`], compiled once for every page.
fn follow_list_with(
    first_page: Box<dyn Fn() -> bool>,
    shown: Box<dyn Fn() -> Vec<i64>>,
    belongs: Box<dyn Fn(i64, &[String]) -> bool>,
    refresh: Box<dyn Fn()>,
) -> RwSignal<Vec<i64>> {
    let waiting = RwSignal::new(Vec::<i64>::new());
    follow_changes(move |changes| {
        let listed = shown();
        let mut stale = false;
        for change in changes {
            match change {
                Change::Published { post, author, tags } => {
                    if first_page() && belongs(author, &tags) && !listed.contains(&post) {
                        waiting.update(|ids| {
                            if !ids.contains(&post) {
                                ids.push(post);
                            }
                        });
                    }
                }
                Change::Edited { post } => stale |= listed.contains(&post),
                Change::Deleted { post } => {
                    waiting.update(|ids| ids.retain(|id| *id != post));
                    stale |= listed.contains(&post);
                }
                Change::Missed => stale = true,
                Change::Users => {}
            }
        }
        if stale {
            waiting.set(Vec::new());
            refresh();
        }
    });
    waiting
}

/// The quiet bar above a list with new posts waiting: "1 new post: show", "2 new posts:
/// show"; pressing it runs `show`, which shows them in place. Nothing while none wait.
pub fn new_posts_bar(
    waiting: RwSignal<Vec<i64>>,
    show: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let count = waiting.with(Vec::len);
        (count > 0).then(|| {
            view! {
                <div class="new-posts" role="status">
                    <button type="button" on:click=move |_| {
                        waiting.set(Vec::new());
                        show();
                    }>{new_posts_label(count)}</button>
                </div>
            }
        })
    }
}
