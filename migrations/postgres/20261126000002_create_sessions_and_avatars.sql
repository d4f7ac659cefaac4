-- Server-side sessions: the cookie holds a random token, the table only its SHA-256.
create table sessions (
    id char(64) primary key,
    user_id bigint not null references users (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null
);
create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

-- Uploaded profile pictures, stored with the data so every instance can serve them.
create table avatars (
    name varchar(20) primary key,
    content_type varchar(40) not null,
    data bytea not null
);
