-- Drafts, scheduled posts and tags. A post is a draft, scheduled (public from `publish_at`) or
-- published; only published posts are counted, listed and found by search. Every post stored so
-- far is published.
alter table posts add column status varchar(10) not null default 'published'
    check (status in ('draft', 'scheduled', 'published'));
alter table posts add column publish_at timestamptz;

-- Listings read only published posts: the date indexes hold only them.
drop index posts_date_posted_idx;
drop index posts_user_id_date_posted_idx;
create index posts_date_posted_idx on posts (date_posted desc, id desc) where status = 'published';
create index posts_user_id_date_posted_idx on posts (user_id, date_posted desc, id desc)
    where status = 'published';
-- An author's drafts page, and the scheduled posts that fall due.
create index posts_unpublished_idx on posts (user_id, id desc) where status <> 'published';
create index posts_scheduled_idx on posts (publish_at) where status = 'scheduled';

-- Totals and per-day counts count published posts only: a post counts from the moment it is
-- published, on the day it is dated.
create or replace function count_posts_change() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        if old.status = 'published' then
            update users set post_count = post_count - 1 where id = old.user_id;
            update totals set posts = posts - 1 where id = 1;
        end if;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        if new.status = 'published' then
            update users set post_count = post_count + 1 where id = new.user_id;
            update totals set posts = posts + 1 where id = 1;
        end if;
    end if;
    return null;
end
$$;

drop trigger posts_counted on posts;
create trigger posts_counted after insert or delete on posts
    for each row execute function count_posts_change();
create trigger posts_counted_on_update after update of user_id, status on posts
    for each row when (old.user_id is distinct from new.user_id or old.status is distinct from new.status)
    execute function count_posts_change();

create or replace function count_post_days() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        if old.status = 'published' then
            update post_days set posts = posts - 1 where day = post_day(old.date_posted);
            delete from post_days where day = post_day(old.date_posted) and posts = 0;
            update author_days set posts = posts - 1
            where user_id = old.user_id and day = post_day(old.date_posted);
            delete from author_days
            where user_id = old.user_id and day = post_day(old.date_posted) and posts = 0;
        end if;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        if new.status = 'published' then
            insert into post_days (day, posts) values (post_day(new.date_posted), 1)
            on conflict (day) do update set posts = post_days.posts + 1;
            insert into author_days (user_id, day, posts) values (new.user_id, post_day(new.date_posted), 1)
            on conflict (user_id, day) do update set posts = author_days.posts + 1;
        end if;
    end if;
    return null;
end
$$;

drop trigger posts_days_counted on posts;
create trigger posts_days_counted after insert or delete on posts
    for each row execute function count_post_days();
create trigger posts_days_counted_on_update after update of user_id, date_posted, status on posts
    for each row when (old.user_id is distinct from new.user_id
        or old.date_posted is distinct from new.date_posted
        or old.status is distinct from new.status)
    execute function count_post_days();

-- Tags: each shown as first written, matched by its key (NFKC and case fold, as usernames), with
-- the number of published posts that carry it.
create table tags (
    id bigserial primary key,
    name varchar(30) not null check (length(name) >= 1),
    key varchar(120) not null check (length(key) >= 1),
    posts bigint not null default 0,
    constraint tags_key_key unique (key)
);
create index tags_posts_idx on tags (posts desc, key) where posts > 0;

-- A post's tags, in the order written. `listed_at` is the post's date while it is published (null
-- otherwise), so a tag's page reads its posts from one index, newest first.
create table post_tags (
    post_id bigint not null references posts (id) on delete cascade,
    tag_id bigint not null references tags (id) on delete cascade,
    position integer not null,
    listed_at timestamptz,
    primary key (post_id, tag_id)
);
create index post_tags_listing_idx on post_tags (tag_id, listed_at desc, post_id desc)
    where listed_at is not null;

create or replace function list_post_tags() returns trigger language plpgsql as $$
begin
    update post_tags set listed_at = case when new.status = 'published' then new.date_posted end
    where post_id = new.id;
    return null;
end
$$;

create trigger posts_tags_listed after update of status, date_posted on posts
    for each row when (old.status is distinct from new.status or old.date_posted is distinct from new.date_posted)
    execute function list_post_tags();

create or replace function count_post_tags() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        if old.listed_at is not null then
            update tags set posts = posts - 1 where id = old.tag_id;
        end if;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        if new.listed_at is not null then
            update tags set posts = posts + 1 where id = new.tag_id;
        end if;
    end if;
    return null;
end
$$;

create trigger post_tags_counted after insert or delete on post_tags
    for each row execute function count_post_tags();
create trigger post_tags_counted_on_update after update of listed_at on post_tags
    for each row when ((old.listed_at is null) <> (new.listed_at is null))
    execute function count_post_tags();

-- Tags change what public pages show: they move the change stamp too.
create trigger post_tags_stamped after insert or update or delete or truncate on post_tags
    for each statement execute function move_change_stamp();
