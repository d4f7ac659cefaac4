-- Server-side sessions: the cookie holds a random token, the table only its SHA-256.
create table sessions (
    id text primary key check (length(id) = 64),
    user_id integer not null references users (id) on delete cascade,
    created_at text not null,
    expires_at text not null
);
create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

-- Uploaded profile pictures, stored with the data so every instance can serve them.
create table avatars (
    name text primary key check (length(name) between 1 and 20),
    content_type text not null,
    data blob not null
);
