-- One person, one account: emails and usernames are unique regardless of case.
create unique index users_email_lower_key on users (lower(email));
create unique index users_username_lower_key on users (lower(username));

-- Rate-limit counters shared by every instance: one row per key, for its current window.
create table rate_limits (
    key text primary key,
    window_start bigint not null,
    hits bigint not null
);
create index rate_limits_window_start_idx on rate_limits (window_start);

-- Outgoing mail, delivered by a background task on any instance, retried until given up on.
-- Times are Unix seconds.
create table mail_queue (
    id bigserial primary key,
    kind text not null,
    recipient text not null,
    created_at bigint not null,
    next_attempt_at bigint not null,
    attempts bigint not null default 0,
    claimed_until bigint,
    sent_at bigint,
    failed_at bigint,
    last_error text
);
create index mail_queue_due_idx on mail_queue (next_attempt_at, id)
    where sent_at is null and failed_at is null;
