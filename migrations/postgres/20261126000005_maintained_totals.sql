-- Totals kept exact by triggers in the writing transaction, so no page ever counts rows: each
-- user's number of posts, and the numbers of posts and users in all.
alter table users add column post_count bigint not null default 0;
update users u set post_count = (select count(*) from posts p where p.user_id = u.id);

create table totals (
    id integer primary key check (id = 1),
    posts bigint not null,
    users bigint not null
);
insert into totals (id, posts, users)
values (1, (select count(*) from posts), (select count(*) from users));

create or replace function count_posts_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update users set post_count = post_count + 1 where id = new.user_id;
        update totals set posts = posts + 1 where id = 1;
    elsif tg_op = 'DELETE' then
        update users set post_count = post_count - 1 where id = old.user_id;
        update totals set posts = posts - 1 where id = 1;
    elsif new.user_id <> old.user_id then
        update users set post_count = post_count - 1 where id = old.user_id;
        update users set post_count = post_count + 1 where id = new.user_id;
    end if;
    return null;
end
$$;

create trigger posts_counted after insert or delete or update of user_id on posts
    for each row execute function count_posts_change();

create or replace function count_users_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update totals set users = users + 1 where id = 1;
    else
        update totals set users = users - 1 where id = 1;
    end if;
    return null;
end
$$;

create trigger users_counted after insert or delete on users
    for each row execute function count_users_change();
