-- Pictures in posts, and each post's last edit. A picture is stored once per content (its
-- `hash`, part of its address), in full (at most 1600 px wide) and as a smaller copy for lists
-- and feeds; `post_pictures` says which posts use it. A picture no post uses is freed.
alter table posts add column updated_at timestamptz;

create table pictures (
    id bigserial primary key,
    hash varchar(32) not null unique,
    user_id bigint not null references users (id) on delete cascade,
    content_type text not null,
    width integer not null,
    height integer not null,
    data bytea not null,
    small bytea not null,
    bytes bigint not null,
    created_at timestamptz not null
);
-- An author's quota, and the sweep of uploads no post has used.
create index pictures_user_id_idx on pictures (user_id);
create index pictures_created_at_idx on pictures (created_at);

create table post_pictures (
    post_id bigint not null references posts (id) on delete cascade,
    picture_id bigint not null references pictures (id) on delete cascade,
    primary key (post_id, picture_id)
);
create index post_pictures_picture_id_idx on post_pictures (picture_id);
