//! Components shared by several resources: layout, the hydration mark, flash messages, form fields, forms that post to server functions, search forms, error pages, titles, page links.

pub mod error_page;
pub mod flash;
pub mod form;
pub mod form_state;
pub mod hydration_mark;
pub mod layout;
pub mod page_links;
pub mod page_title;
pub mod search_form;
pub mod server_form;
pub mod share_tags;
