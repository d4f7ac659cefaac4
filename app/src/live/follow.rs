//! How a page follows the tab's changes: [`follow_changes`] hands a page each batch of changes
//! that arrive while it is shown; [`follow_list`] keeps a list of posts current, with the bar
//! that offers its new posts ([`NewPostsBar`]).

use leptos::prelude::*;

use crate::live::{
    feed,
    model::{Change, new_posts_label},
};

/// Calls `handle` with the changes the tab receives while this page is shown (in the browser
/// only; a server-rendered page is not live until it hydrates). A gap in what the tab kept
/// comes as [`Change::Missed`].
pub fn follow_changes(handle: impl Fn(Vec<Change>) + 'static) {
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
/// show"; clicking it shows them in place.
#[component]
pub fn NewPostsBar(waiting: RwSignal<Vec<i64>>, show: Callback<()>) -> impl IntoView {
    let count = move || waiting.with(Vec::len);
    let any = move || count() > 0;
    view! {
        <Show when=any>
            <div class="new-posts" role="status">
                <button type="button" on:click=move |_| {
                    waiting.set(Vec::new());
                    show.run(());
                }>{move || new_posts_label(count())}</button>
            </div>
        </Show>
    }
}
