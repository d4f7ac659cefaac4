//! Quire's black-box tests, in one binary (each test binary would link the whole app again):
//! the real router on an ephemeral port with a fresh database, driven over HTTP, and the
//! `quire` commands.

// `on_both_backends!`, from the app's test support.
#[macro_use]
extern crate app;

mod support;

mod abuse;
mod account;
mod auth;
mod cache_safety;
mod cli;
mod drafts;
mod export;
mod federation;
mod feeds;
mod import;
mod live;
mod page_cache;
mod pages;
mod pictures;
mod posts;
mod properties;
mod reset;
mod serving;
mod tags;
