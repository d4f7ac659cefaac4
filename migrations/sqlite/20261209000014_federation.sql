-- Federation (ActivityPub): each author's key pair, their followers elsewhere in the fediverse,
-- the remote actors whose keys signed activities here, the durable queue of outgoing deliveries,
-- and how far the live events have been turned into deliveries.

-- An author's RSA-2048 key pair, made the first time the author is federated. The private key
-- never leaves the database and this server's signing code.
create table actor_keys (
    user_id bigint primary key references users (id) on delete cascade,
    private_key text not null,
    public_key text not null,
    created_at bigint not null
);

-- Remote actors as their own servers describe them: where to deliver, and the key they sign with.
create table remote_actors (
    id text primary key,
    inbox text not null,
    shared_inbox text,
    key_id text not null unique,
    public_key text not null,
    fetched_at bigint not null
);

-- Who follows an author from elsewhere; the Follow's id, for its Undo.
create table followers (
    id integer primary key autoincrement,
    user_id bigint not null references users (id) on delete cascade,
    actor_id text not null,
    inbox text not null,
    shared_inbox text,
    follow_id text not null,
    created_at bigint not null,
    unique (user_id, actor_id)
);
create index followers_actor_idx on followers (actor_id);

-- A follower count is shown on the author's page: a new or lost follower moves the change stamp.
create trigger followers_stamped_on_insert after insert on followers begin
    update totals set stamp = stamp + 1 where id = 1;
end;
create trigger followers_stamped_on_delete after delete on followers begin
    update totals set stamp = stamp + 1 where id = 1;
end;

-- Outgoing activities, one row per receiving inbox, signed by `signer` when sent.
create table deliveries (
    id integer primary key autoincrement,
    inbox text not null,
    signer bigint not null references users (id) on delete cascade,
    activity_id text not null,
    body text not null,
    created_at bigint not null,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    claimed_until bigint,
    failed_at bigint,
    last_error text
);
create index deliveries_due_idx on deliveries (next_attempt_at) where failed_at is null;

-- The newest live event already turned into deliveries: events after it are federated next, and
-- the sweep keeps them. Events from before federation existed are not sent.
create table federation_cursor (
    id integer primary key check (id = 1),
    last_event bigint not null
);
insert into federation_cursor (id, last_event) select 1, coalesce(max(id), 0) from live_events;
