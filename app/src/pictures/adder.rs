//! The editor's pictures: "Alt text", and a "Picture" file field that a script-free form sends
//! with the post. With JavaScript the field gives way to an "Add picture" button; a picture
//! chosen, dropped on the text or pasted into it uploads at once, with a progress bar, and its
//! Markdown goes in at the cursor.

use leptos::{html, prelude::*};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

/// Where the browser uploads a picture.
const UPLOAD_PATH: &str = "/pictures";

/// The picture controls of a post form, as `adder` finds them; `error` is why the last
/// script-free upload was refused.
#[component]
pub fn PictureAdder(adder: Adder, error: Option<String>) -> impl IntoView {
    Effect::new(move |_| adder.reveal());
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
                    node_ref=adder.file class=invalid.then_some("invalid") aria-describedby="picture-error"
                    on:change=move |_| adder.upload_chosen()/>
            </div>
            <button type="button" class="secondary" hidden node_ref=adder.button
                on:click=move |_| adder.choose()>"Add picture"</button>
            <progress hidden max="100" value="0" aria-label="Uploading picture" node_ref=adder.progress></progress>
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
    progress: NodeRef<html::Progress>,
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

    /// A paste into the text box: a pasted picture is uploaded instead of pasted.
    pub fn paste(self, event: web_sys::ClipboardEvent) {
        let files = event.clipboard_data().and_then(|data| data.files());
        if self.upload_first(files) {
            event.prevent_default();
        }
    }

    /// A drop on the text box: a dropped picture is uploaded instead of opened.
    pub fn drop(self, event: web_sys::DragEvent) {
        let files = event.data_transfer().and_then(|data| data.files());
        if self.upload_first(files) {
            event.prevent_default();
        }
    }

    /// Lets files be dropped on the text box.
    pub fn drag_over(event: web_sys::DragEvent) {
        let carries_files = event
            .data_transfer()
            .is_some_and(|data| data.types().includes(&"Files".into(), 0));
        if carries_files {
            event.prevent_default();
        }
    }

    /// Uploads the first of `files` if it is a picture; true when it did.
    fn upload_first(self, files: Option<web_sys::FileList>) -> bool {
        let Some(file) = files.and_then(|files| files.get(0)) else {
            return false;
        };
        if !file.type_().starts_with("image/") {
            return false;
        }
        let (Some(alt), Some(area), Some(progress), Some(status)) = (
            self.alt.get(),
            self.content.get(),
            self.progress.get(),
            self.status.get(),
        ) else {
            return false;
        };
        send(&file, &alt, &area, &progress, &status);
        true
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

    /// Opens the file chooser.
    fn choose(self) {
        if let Some(file) = self.file.get() {
            file.click();
        }
    }

    /// Uploads the picture just chosen (with JavaScript only; without it the form sends it).
    fn upload_chosen(self) {
        let (Some(input), Some(alt), Some(area), Some(progress), Some(status)) = (
            self.file.get(),
            self.alt.get(),
            self.content.get(),
            self.progress.get(),
            self.status.get(),
        ) else {
            return;
        };
        if !input.name().is_empty() {
            return;
        }
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            send(&file, &alt, &area, &progress, &status);
        }
        input.set_value("");
    }
}

/// Uploads `file` with the alt text, showing its progress; on success puts its Markdown in
/// `area` at the cursor, otherwise says why in `status`.
fn send(
    file: &File,
    alt: &web_sys::HtmlInputElement,
    area: &web_sys::HtmlTextAreaElement,
    progress: &web_sys::HtmlProgressElement,
    status: &web_sys::Element,
) {
    let (Ok(request), Ok(form)) = (XmlHttpRequest::new(), FormData::new()) else {
        return;
    };
    let name = if file.name().is_empty() {
        "pasted".to_owned()
    } else {
        file.name()
    };
    if form
        .append_with_blob_and_filename("picture", file, &name)
        .is_err()
        || form.append_with_str("alt", &alt.value()).is_err()
        || request.open("POST", UPLOAD_PATH).is_err()
    {
        return;
    }
    status.set_text_content(None);
    progress.set_value(0.0);
    progress.set_hidden(false);
    let shown = progress.clone();
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            shown.set_value(100.0 * event.loaded() / event.total());
        }
    });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let (done, area, alt, progress, said) = (
        request.clone(),
        area.clone(),
        alt.clone(),
        progress.clone(),
        status.clone(),
    );
    let on_end = Closure::once_into_js(move || {
        // The progress handler lives until the upload has ended.
        drop(on_progress);
        progress.set_hidden(true);
        let text = done.response_text().ok().flatten().unwrap_or_default();
        match done.status().unwrap_or(0) {
            200 => {
                insert_at_cursor(&area, &text);
                alt.set_value("");
            }
            0 => said.set_text_content(Some(
                "The picture could not be sent. Check your connection and try again.",
            )),
            _ => said.set_text_content(Some(&text)),
        }
    });
    request.set_onloadend(Some(on_end.unchecked_ref()));
    if request.send_with_opt_form_data(Some(&form)).is_err() {
        status.set_text_content(Some("The picture could not be sent."));
    }
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
