-- Pictures in posts, and each post's last edit. A picture is stored once per content (its
-- `hash`, part of its address), in full (at most 1600 px wide) and as a smaller copy for lists
-- and feeds; `post_pictures` says which posts use it. A picture no post uses is freed.
alter table posts add column updated_at text;

create table pictures (
    id integer primary key,
    hash text not null unique check (length(hash) = 32),
    user_id integer not null references users (id) on delete cascade,
    content_type text not null,
    width integer not null,
    height integer not null,
    data blob not null,
    small blob not null,
    bytes integer not null,
    created_at text not null
);
-- An author's quota, and the sweep of uploads no post has used.
create index pictures_user_id_idx on pictures (user_id);
create index pictures_created_at_idx on pictures (created_at);

create table post_pictures (
    post_id integer not null references posts (id) on delete cascade,
    picture_id integer not null references pictures (id) on delete cascade,
    primary key (post_id, picture_id)
);
create index post_pictures_picture_id_idx on post_pictures (picture_id);
