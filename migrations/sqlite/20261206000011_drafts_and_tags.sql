-- Drafts, scheduled posts and tags. A post is a draft, scheduled (public from `publish_at`) or
-- published; only published posts are counted, indexed for listing and search, and tagged in
-- public listings. Every post stored so far is published.
alter table posts add column status text not null default 'published'
    check (status in ('draft', 'scheduled', 'published'));
alter table posts add column publish_at text;

-- Listings read only published posts: the date indexes hold only them.
drop index posts_date_posted_idx;
drop index posts_user_id_date_posted_idx;
create index posts_date_posted_idx on posts (date_posted desc, id desc) where status = 'published';
create index posts_user_id_date_posted_idx on posts (user_id, date_posted desc, id desc)
    where status = 'published';
-- An author's drafts page, and the scheduled posts that fall due.
create index posts_unpublished_idx on posts (user_id, id desc) where status <> 'published';
create index posts_scheduled_idx on posts (publish_at) where status = 'scheduled';

-- Totals count published posts only: a post counts from the moment it is published.
drop trigger posts_counted_on_insert;
drop trigger posts_counted_on_delete;
drop trigger posts_counted_on_move;

create trigger posts_counted_on_insert after insert on posts when new.status = 'published' begin
    update users set post_count = post_count + 1 where id = new.user_id;
    update totals set posts = posts + 1 where id = 1;
end;

create trigger posts_counted_on_delete after delete on posts when old.status = 'published' begin
    update users set post_count = post_count - 1 where id = old.user_id;
    update totals set posts = posts - 1 where id = 1;
end;

create trigger posts_counted_on_move after update of user_id on posts
when old.status = 'published' and new.status = 'published' begin
    update users set post_count = post_count - 1 where id = old.user_id;
    update users set post_count = post_count + 1 where id = new.user_id;
end;

create trigger posts_counted_on_publish after update of status on posts
when old.status <> 'published' and new.status = 'published' begin
    update users set post_count = post_count + 1 where id = new.user_id;
    update totals set posts = posts + 1 where id = 1;
end;

create trigger posts_counted_on_unpublish after update of status on posts
when old.status = 'published' and new.status <> 'published' begin
    update users set post_count = post_count - 1 where id = old.user_id;
    update totals set posts = posts - 1 where id = 1;
end;

-- Per-day counts, likewise.
drop trigger posts_days_on_insert;
drop trigger posts_days_on_delete;
drop trigger posts_days_on_move;

create trigger posts_days_on_insert after insert on posts when new.status = 'published' begin
    insert into post_days (day, posts)
    values (cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1)
    on conflict (day) do update set posts = posts + 1;
    insert into author_days (user_id, day, posts)
    values (new.user_id, cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1)
    on conflict (user_id, day) do update set posts = posts + 1;
end;

create trigger posts_days_on_delete after delete on posts when old.status = 'published' begin
    update post_days set posts = posts - 1
    where day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588;
    delete from post_days
    where day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588 and posts = 0;
    update author_days set posts = posts - 1
    where user_id = old.user_id and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588;
    delete from author_days
    where user_id = old.user_id and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588
      and posts = 0;
end;

-- A published post that is moved, redated, published or unpublished leaves its old day (if it
-- was counted) and joins its new one (if it is counted).
create trigger posts_days_on_move after update of user_id, date_posted, status on posts
when old.status = 'published' or new.status = 'published' begin
    update post_days set posts = posts - 1
    where old.status = 'published'
      and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588;
    delete from post_days
    where old.status = 'published'
      and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588 and posts = 0;
    update author_days set posts = posts - 1
    where old.status = 'published' and user_id = old.user_id
      and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588;
    delete from author_days
    where old.status = 'published' and user_id = old.user_id
      and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588 and posts = 0;
    insert into post_days (day, posts)
    select cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1
    where new.status = 'published'
    on conflict (day) do update set posts = posts + 1;
    insert into author_days (user_id, day, posts)
    select new.user_id, cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1
    where new.status = 'published'
    on conflict (user_id, day) do update set posts = posts + 1;
end;

-- Search finds published posts only.
drop trigger posts_search_insert;
drop trigger posts_search_delete;
drop trigger posts_search_update;

create trigger posts_search_insert after insert on posts when new.status = 'published' begin
    insert into posts_search (rowid, title, content) values (new.id, new.title, new.content);
end;

create trigger posts_search_delete after delete on posts when old.status = 'published' begin
    insert into posts_search (posts_search, rowid, title, content)
    values ('delete', old.id, old.title, old.content);
end;

create trigger posts_search_update after update of title, content, status on posts begin
    insert into posts_search (posts_search, rowid, title, content)
    select 'delete', old.id, old.title, old.content where old.status = 'published';
    insert into posts_search (rowid, title, content)
    select new.id, new.title, new.content where new.status = 'published';
end;

-- Tags: each shown as first written, matched by its key (NFKC and case fold, as usernames), with
-- the number of published posts that carry it.
create table tags (
    id integer primary key,
    name text not null check (length(name) between 1 and 30),
    key text not null check (length(key) between 1 and 120),
    posts bigint not null default 0,
    constraint tags_key_key unique (key)
);
create index tags_posts_idx on tags (posts desc, key) where posts > 0;

-- A post's tags, in the order written. `listed_at` is the post's date while it is published (null
-- otherwise), so a tag's page reads its posts from one index, newest first.
create table post_tags (
    post_id integer not null references posts (id) on delete cascade,
    tag_id integer not null references tags (id) on delete cascade,
    position integer not null,
    listed_at text,
    primary key (post_id, tag_id)
);
create index post_tags_listing_idx on post_tags (tag_id, listed_at desc, post_id desc)
    where listed_at is not null;

create trigger posts_tags_listed after update of status, date_posted on posts begin
    update post_tags set listed_at = case when new.status = 'published' then new.date_posted end
    where post_id = new.id;
end;

create trigger post_tags_counted_on_insert after insert on post_tags
when new.listed_at is not null begin
    update tags set posts = posts + 1 where id = new.tag_id;
end;

create trigger post_tags_counted_on_delete after delete on post_tags
when old.listed_at is not null begin
    update tags set posts = posts - 1 where id = old.tag_id;
end;

create trigger post_tags_counted_on_update after update of listed_at on post_tags
when (old.listed_at is null) <> (new.listed_at is null) begin
    update tags set posts = posts + case when new.listed_at is null then -1 else 1 end
    where id = new.tag_id;
end;

-- Tags change what public pages show: they move the change stamp too.
create trigger post_tags_stamped_on_insert after insert on post_tags begin
    update totals set stamp = stamp + 1 where id = 1;
end;

create trigger post_tags_stamped_on_delete after delete on post_tags begin
    update totals set stamp = stamp + 1 where id = 1;
end;
