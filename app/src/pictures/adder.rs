//! The editor's pictures: "Alt text", and a "Picture" file field that a script-free form sends
//! with the post. With JavaScript the field gives way to an "Add picture" button; a picture
//! chosen, dropped on the text or pasted into it uploads at once, with a progress bar, and its
//! Markdown goes in at the cursor.
//!
//! The browser's listeners only hand the file (and later the upload's answer) to the page
//! through signals, and the page's effects do the work: a split build puts the body of a
//! browser listener, and everything it calls, in the base module every page loads.

use leptos::{html, prelude::*};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{Event, File, FileList, FormData, ProgressEvent, XmlHttpRequest};

/// Where the browser uploads a picture.
const UPLOAD_PATH: &str = "/pictures";

/// An upload's end: its HTTP status (0 when it never reached the server) and answer.
type Ended = Option<(u16, String)>;

thread_local! {
    /// The picture a listener took, waiting for the page to upload it. A browser file cannot
    /// live in a signal that the server's rendering threads share, so the signal `picked` only
    /// counts the picks and the file waits here.
    static PICKED: std::cell::RefCell<Option<File>> = const { std::cell::RefCell::new(None) };
}

/// Hands `file` to the page.
fn pick(picked: RwSignal<u32>, file: File) {
    PICKED.with(|slot| *slot.borrow_mut() = Some(file));
    picked.update(|picks| *picks = picks.wrapping_add(1));
}

/// The picture controls of a post form, as `adder` finds them; `error` is why the last
/// script-free upload was refused.
#[component]
pub fn PictureAdder(adder: Adder, error: Option<String>) -> impl IntoView {
    let picked = RwSignal::new(0u32);
    let ended = RwSignal::new(None::<(u16, String)>);
    Effect::new(move |_| {
        adder.reveal();
        adder.listen(picked);
    });
    Effect::new(move |_| {
        picked.track();
        if let Some(file) = PICKED.with(|slot| slot.borrow_mut().take()) {
            adder.upload(&file, ended);
        }
    });
    Effect::new(move |_| {
        if let Some((status, answer)) = ended.get() {
            adder.finish(status, &answer);
        }
    });
    let invalid = error.is_some();
    view! {
        <div class="picture-adder">
            <div class="field">
                <label for="alt">"Alt text"</label>
                <input id="alt" name="alt" type="text" maxlength="300" autocomplete="off" node_ref=adder.alt
                    aria-describedby="alt-hint"/>
                <p class="field-hint" id="alt-hint">"Describes the picture for readers who cannot see it."</p>
            </div>
            <div class="field" node_ref=adder.plain_field>
                <label for="picture">"Picture"</label>
                <input id="picture" name="picture" type="file" accept="image/jpeg,image/png,image/webp,image/gif"
                    node_ref=adder.file class=invalid.then_some("invalid") aria-describedby="picture-error"/>
            </div>
            <button type="button" class="secondary" hidden node_ref=adder.button
                on:click=move |_| adder.choose()>"Add picture"</button>
            <div class="upload-progress" node_ref=adder.progress></div>
            <p class="field-error" id="picture-error" role="alert" node_ref=adder.status>{error}</p>
        </div>
    }
}

/// The elements the picture controls change, and the text box the Markdown goes in.
#[derive(Clone, Copy)]
pub struct Adder {
    content: NodeRef<html::Textarea>,
    alt: NodeRef<html::Input>,
    file: NodeRef<html::Input>,
    plain_field: NodeRef<html::Div>,
    button: NodeRef<html::Button>,
    /// Where the progress bar of an upload shows.
    progress: NodeRef<html::Div>,
    status: NodeRef<html::P>,
}

impl Adder {
    /// The controls for a form whose text box is `content`.
    pub fn new(content: NodeRef<html::Textarea>) -> Self {
        Self {
            content,
            alt: NodeRef::new(),
            file: NodeRef::new(),
            plain_field: NodeRef::new(),
            button: NodeRef::new(),
            progress: NodeRef::new(),
            status: NodeRef::new(),
        }
    }

    /// With its script, the page uploads pictures itself: the button replaces the plain field,
    /// and neither the file nor the alt text goes with the post.
    fn reveal(self) {
        let (Some(button), Some(field), Some(alt)) =
            (self.button.get(), self.plain_field.get(), self.alt.get())
        else {
            return;
        };
        button.set_hidden(false);
        field.set_hidden(true);
        alt.set_name("");
        if let Some(file) = self.file.get() {
            file.set_name("");
        }
    }

    /// Hands to `picked` each picture chosen, pasted into the text box or dropped on it.
    fn listen(self, picked: RwSignal<u32>) {
        let (Some(input), Some(area)) = (self.file.get(), self.content.get()) else {
            return;
        };
        let chosen = input.clone();
        let on_change = listener(move |_: Event| {
            if let Some(file) = first_picture(chosen.files()) {
                pick(picked, file);
            }
            chosen.set_value("");
        });
        let on_paste = listener(move |event: Event| {
            let files = event
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|event| event.clipboard_data())
                .and_then(|data| data.files());
            if let Some(file) = first_picture(files) {
                event.prevent_default();
                pick(picked, file);
            }
        });
        let on_drop = listener(move |event: Event| {
            let files = event
                .dyn_ref::<web_sys::DragEvent>()
                .and_then(|drag| drag.data_transfer())
                .and_then(|data| data.files());
            if let Some(file) = first_picture(files) {
                event.prevent_default();
                pick(picked, file);
            }
        });
        let on_drag_over = listener(move |event: Event| {
            let carries_files = event
                .dyn_ref::<web_sys::DragEvent>()
                .and_then(|drag| drag.data_transfer())
                .is_some_and(|data| data.types().includes(&"Files".into(), 0));
            if carries_files {
                event.prevent_default();
            }
        });
        for (target, kind, listener) in [
            (
                input.unchecked_ref::<web_sys::EventTarget>(),
                "change",
                on_change,
            ),
            (area.unchecked_ref(), "paste", on_paste),
            (area.unchecked_ref(), "drop", on_drop),
            (area.unchecked_ref(), "dragover", on_drag_over),
        ] {
            let _ =
                target.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            // The listener lives as long as its element; the page drops both together.
            listener.forget();
        }
    }

    /// Opens the file chooser.
    fn choose(self) {
        if let Some(file) = self.file.get() {
            file.click();
        }
    }

    /// Uploads `file` with the alt text, showing its progress; its answer goes to `ended`.
    fn upload(self, file: &File, ended: RwSignal<Ended>) {
        let (Some(alt), Some(progress), Some(status)) =
            (self.alt.get(), self.progress.get(), self.status.get())
        else {
            return;
        };
        let (Ok(request), Ok(form)) = (XmlHttpRequest::new(), FormData::new()) else {
            return;
        };
        let name = if file.name().is_empty() {
            "pasted".to_owned()
        } else {
            file.name()
        };
        let bar = document()
            .create_element("progress")
            .ok()
            .and_then(|bar| bar.dyn_into::<web_sys::HtmlProgressElement>().ok());
        let (Some(bar), Ok(()), Ok(()), Ok(())) = (
            bar,
            form.append_with_blob_and_filename("picture", file, &name),
            form.append_with_str("alt", &alt.value()),
            request.open("POST", UPLOAD_PATH),
        ) else {
            return;
        };
        status.set_text_content(None);
        bar.set_max(100.0);
        let _ = bar.set_attribute("aria-label", "Uploading picture");
        progress.replace_children_with_node_1(&bar);
        let shown = bar.clone();
        let on_progress = listener(move |event: Event| {
            if let Some(event) = event.dyn_ref::<ProgressEvent>()
                && event.length_computable()
                && event.total() > 0.0
            {
                shown.set_value(100.0 * event.loaded() / event.total());
            }
        });
        if let Ok(upload) = request.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        let done = request.clone();
        let on_end = listener(move |_: Event| {
            bar.remove();
            let answer = done.response_text().ok().flatten().unwrap_or_default();
            ended.set(Some((done.status().unwrap_or(0), answer)));
        });
        request.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        // Both handlers live as long as the request, which the browser holds until it ends.
        on_progress.forget();
        on_end.forget();
        if request.send_with_opt_form_data(Some(&form)).is_err() {
            status.set_text_content(Some("The picture could not be sent."));
        }
    }

    /// An upload has ended: its Markdown goes in at the cursor, or the reason it was refused
    /// shows under the field.
    fn finish(self, status: u16, answer: &str) {
        let (Some(area), Some(alt), Some(said)) =
            (self.content.get(), self.alt.get(), self.status.get())
        else {
            return;
        };
        match status {
            200 => {
                insert_at_cursor(&area, answer);
                alt.set_value("");
            }
            0 => said.set_text_content(Some(
                "The picture could not be sent. Check your connection and try again.",
            )),
            _ => said.set_text_content(Some(answer)),
        }
    }
}

/// The first of `files`, if it is a picture.
fn first_picture(files: Option<FileList>) -> Option<File> {
    files
        .and_then(|files| files.get(0))
        .filter(|file| file.type_().starts_with("image/"))
}

/// A browser event listener running `handle`.
fn listener(handle: impl FnMut(Event) + 'static) -> Closure<dyn FnMut(Event)> {
    Closure::wrap(Box::new(handle) as Box<dyn FnMut(Event)>)
}

/// Puts `markdown` in `area` at the cursor, on a line of its own, and the cursor after it.
fn insert_at_cursor(area: &web_sys::HtmlTextAreaElement, markdown: &str) {
    let text = area.value();
    let units: Vec<u16> = text.encode_utf16().collect();
    let at = area
        .selection_start()
        .ok()
        .flatten()
        .map_or(units.len(), |at| (at as usize).min(units.len()));
    let before = String::from_utf16_lossy(&units[..at]);
    let after = String::from_utf16_lossy(&units[at..]);
    let lead = if before.is_empty() || before.ends_with('\n') {
        ""
    } else {
        "\n\n"
    };
    let trail = if after.starts_with('\n') { "" } else { "\n" };
    let inserted = format!("{lead}{markdown}{trail}");
    area.set_value(&format!("{before}{inserted}{after}"));
    let cursor = (at + inserted.encode_utf16().count()) as u32;
    let _ = area.set_selection_range(cursor, cursor);
    let _ = area.focus();
}
