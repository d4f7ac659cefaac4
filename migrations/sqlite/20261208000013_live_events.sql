-- Live pages: every change a public page shows, as a small event (what changed, its id), kept
-- in order so that every instance can pass it on to its open pages, and a page that reconnects
-- can catch up. Drafts and scheduled posts leave no event until they are published; a post that
-- is unpublished or deleted leaves `deleted`. The table is trimmed to a bounded backlog.
create table live_events (
    id integer primary key autoincrement,
    kind text not null check (kind in ('published', 'edited', 'deleted', 'users')),
    post_id bigint,
    user_id bigint
);

create trigger posts_live_on_insert after insert on posts when new.status = 'published' begin
    insert into live_events (kind, post_id, user_id) values ('published', new.id, new.user_id);
end;

create trigger posts_live_on_delete after delete on posts when old.status = 'published' begin
    insert into live_events (kind, post_id, user_id) values ('deleted', old.id, old.user_id);
end;

-- An update that changes what readers see: published, unpublished, or edited while public.
-- Stored renderings made again (`content_html` alone) are not an edit.
create trigger posts_live_on_update after update on posts
when (old.status = 'published' or new.status = 'published')
  and (old.status <> new.status or old.title is not new.title or old.content is not new.content
       or old.user_id is not new.user_id or old.date_posted is not new.date_posted
       or old.updated_at is not new.updated_at) begin
    insert into live_events (kind, post_id, user_id)
    values (case when old.status <> 'published' then 'published'
                 when new.status <> 'published' then 'deleted'
                 else 'edited' end,
            new.id, new.user_id);
end;

create trigger users_live_on_insert after insert on users begin
    insert into live_events (kind, user_id) values ('users', new.id);
end;

create trigger users_live_on_update after update of username, image_file on users
when old.username is not new.username or old.image_file is not new.image_file begin
    insert into live_events (kind, user_id) values ('users', new.id);
end;

create trigger users_live_on_delete after delete on users begin
    insert into live_events (kind, user_id) values ('users', old.id);
end;
