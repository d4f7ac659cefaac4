//! Outgoing email: the mailer (SMTP or an outbox folder) and the durable queue that delivers it.

/// Sending one message: over SMTP when configured, otherwise into an outbox folder.
pub mod mailer;
/// The durable mail queue and the task that delivers it.
pub mod queue;
/// The mail queue's SQL.
pub mod repo;
