-- Live pages: every change a public page shows, as a small event (what changed, its id), kept
-- in order so that every instance can pass it on to its open pages, and a page that reconnects
-- can catch up. Drafts and scheduled posts leave no event until they are published; a post that
-- is unpublished or deleted leaves `deleted`. The table is trimmed to a bounded backlog.
create table live_events (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('published', 'edited', 'deleted', 'users')),
    post_id bigint,
    user_id bigint
);

-- Records one event and tells every listening instance (delivered at commit). The totals row is
-- locked first, so events take their ids in the order their transactions commit: an instance
-- that has read up to an id never misses a smaller one committed later.
create or replace function record_live_event(event_kind text, post bigint, author bigint)
returns void language plpgsql as $$
begin
    perform 1 from totals where id = 1 for update;
    insert into live_events (kind, post_id, user_id) values (event_kind, post, author);
    perform pg_notify('quire_live', '');
end
$$;

create or replace function posts_live() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        if new.status = 'published' then
            perform record_live_event('published', new.id, new.user_id);
        end if;
    elsif tg_op = 'DELETE' then
        if old.status = 'published' then
            perform record_live_event('deleted', old.id, old.user_id);
        end if;
    elsif old.status <> 'published' and new.status = 'published' then
        perform record_live_event('published', new.id, new.user_id);
    elsif old.status = 'published' and new.status <> 'published' then
        perform record_live_event('deleted', new.id, new.user_id);
    -- Stored renderings made again (`content_html` alone) are not an edit.
    elsif new.status = 'published'
        and (old.title, old.content, old.user_id, old.date_posted, old.updated_at)
            is distinct from (new.title, new.content, new.user_id, new.date_posted, new.updated_at) then
        perform record_live_event('edited', new.id, new.user_id);
    end if;
    return null;
end
$$;

create trigger posts_live after insert or update or delete on posts
    for each row execute function posts_live();

create or replace function users_live() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform record_live_event('users', null, new.id);
    elsif tg_op = 'DELETE' then
        perform record_live_event('users', null, old.id);
    elsif (old.username, old.image_file) is distinct from (new.username, new.image_file) then
        perform record_live_event('users', null, new.id);
    end if;
    return null;
end
$$;

create trigger users_live after insert or update or delete on users
    for each row execute function users_live();
