//! The tab's one stream of changes (browser side): opened by the first page that follows it,
//! from where the server-rendered page left off (resume.rs), and kept while the tab lives. The
//! browser reconnects it by itself, where it left off; a stream the server refused is opened
//! again, where it left off, by the next page that follows it. The browser's listener only
//! keeps what arrives and counts it; the pages read it (follow.rs), so that their code loads
//! with them (a split build puts a listener's body, and all it calls, in the base module every
//! page loads).

use std::{cell::RefCell, collections::VecDeque};

use leptos::prelude::*;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{EventSource, MessageEvent};

use crate::live::resume;

/// Changes the tab keeps for pages that have not read them yet.
const KEPT: usize = 256;

/// What the tab has received.
struct Tab {
    /// How many texts were received before the first one kept.
    first: u64,
    /// The texts received, oldest first, at most [`KEPT`].
    texts: VecDeque<String>,
    /// The id of the last event, where a reopened stream resumes.
    last_id: String,
    /// Fires at each arrival, for pages to follow.
    arrived: ArcTrigger,
    /// The stream, once opened.
    source: Option<EventSource>,
}

thread_local! {
    static TAB: RefCell<Option<Tab>> = const { RefCell::new(None) };
}

/// What fires when a text arrives, which pages track; opens the stream on first use, and again
/// if the server refused or closed it for good.
pub fn arrivals() -> ArcTrigger {
    let (arrived, open) = TAB.with(|tab| {
        let mut tab = tab.borrow_mut();
        let tab = tab.get_or_insert_with(|| Tab {
            first: 0,
            texts: VecDeque::new(),
            last_id: resume::rendered(),
            arrived: ArcTrigger::new(),
            source: None,
        });
        let closed = tab
            .source
            .as_ref()
            .is_none_or(|source| source.ready_state() == EventSource::CLOSED);
        (tab.arrived.clone(), closed)
    });
    if open {
        reopen();
    }
    arrived
}

/// How many texts the tab has received so far: a page that starts reading reads from here.
pub fn position() -> u64 {
    TAB.with(|tab| {
        tab.borrow()
            .as_ref()
            .map_or(0, |tab| tab.first + tab.texts.len() as u64)
    })
}

/// The texts received after the first `seen`, and `seen` moved past them; `None` when some of
/// them are no longer kept.
pub fn since(seen: &mut u64) -> Option<Vec<String>> {
    TAB.with(|tab| {
        let tab = tab.borrow();
        let tab = tab.as_ref()?;
        let end = tab.first + tab.texts.len() as u64;
        let start = (*seen).max(tab.first);
        let skipped = *seen < tab.first;
        let texts = tab
            .texts
            .iter()
            .skip((start - tab.first) as usize)
            .cloned()
            .collect();
        *seen = end;
        (!skipped).then_some(texts)
    })
}

/// Opens the stream, resuming after the last event received.
fn reopen() {
    let Some(last) = TAB.with(|tab| tab.borrow().as_ref().map(|tab| tab.last_id.clone())) else {
        return;
    };
    let url = if last.is_empty() {
        "/live".to_owned()
    } else {
        format!("/live?after={last}")
    };
    let Ok(source) = EventSource::new(&url) else {
        return;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        keep(
            event.data().as_string().unwrap_or_default(),
            event.last_event_id(),
        );
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // It lives as long as the stream, which lives as long as the tab.
    on_message.forget();
    TAB.with(|tab| {
        if let Some(tab) = tab.borrow_mut().as_mut()
            && let Some(old) = tab.source.replace(source)
        {
            old.close();
        }
    });
}

/// Keeps one text received, with its event's id.
fn keep(text: String, id: String) {
    let arrived = TAB.with(|tab| {
        let mut tab = tab.borrow_mut();
        let tab = tab.as_mut()?;
        tab.last_id = id;
        tab.texts.push_back(text);
        if tab.texts.len() > KEPT {
            tab.texts.pop_front();
            tab.first += 1;
        }
        Some(tab.arrived.clone())
    });
    if let Some(arrived) = arrived {
        arrived.notify();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tab whose stream is not opened (no browser here): only what it keeps.
    fn fresh_tab() {
        TAB.with(|tab| {
            *tab.borrow_mut() = Some(Tab {
                first: 0,
                texts: VecDeque::new(),
                last_id: String::new(),
                arrived: ArcTrigger::new(),
                source: None,
            });
        });
    }

    #[test]
    fn a_page_reads_only_what_arrived_after_it_started() {
        fresh_tab();
        keep("edited\t1".into(), "10".into());
        let mut seen = position();
        keep("edited\t2".into(), "11".into());
        keep("deleted\t3".into(), "12".into());
        assert_eq!(
            since(&mut seen),
            Some(vec!["edited\t2".to_owned(), "deleted\t3".to_owned()])
        );
        assert_eq!(since(&mut seen), Some(Vec::new()));
    }

    #[test]
    fn a_page_that_fell_behind_what_the_tab_keeps_is_told() {
        fresh_tab();
        let mut seen = position();
        for n in 0..KEPT + 5 {
            keep(format!("edited\t{n}"), n.to_string());
        }
        assert_eq!(since(&mut seen), None);
        keep("users".into(), "x".into());
        assert_eq!(since(&mut seen), Some(vec!["users".to_owned()]));
    }

    #[test]
    fn the_last_event_id_is_kept_for_a_reopened_stream() {
        fresh_tab();
        keep("users".into(), "41".into());
        keep("users".into(), "42".into());
        let last = TAB.with(|tab| tab.borrow().as_ref().map(|tab| tab.last_id.clone()));
        assert_eq!(last.as_deref(), Some("42"));
    }
}
