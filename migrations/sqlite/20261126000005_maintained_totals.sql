-- Totals kept exact by triggers in the writing transaction, so no page ever counts rows: each
-- user's number of posts, and the numbers of posts and users in all.
alter table users add column post_count bigint not null default 0;
update users set post_count = (select count(*) from posts where posts.user_id = users.id);

create table totals (
    id integer primary key check (id = 1),
    posts bigint not null,
    users bigint not null
);
insert into totals (id, posts, users)
values (1, (select count(*) from posts), (select count(*) from users));

create trigger posts_counted_on_insert after insert on posts begin
    update users set post_count = post_count + 1 where id = new.user_id;
    update totals set posts = posts + 1 where id = 1;
end;

create trigger posts_counted_on_delete after delete on posts begin
    update users set post_count = post_count - 1 where id = old.user_id;
    update totals set posts = posts - 1 where id = 1;
end;

create trigger posts_counted_on_move after update of user_id on posts begin
    update users set post_count = post_count - 1 where id = old.user_id;
    update users set post_count = post_count + 1 where id = new.user_id;
end;

create trigger users_counted_on_insert after insert on users begin
    update totals set users = users + 1 where id = 1;
end;

create trigger users_counted_on_delete after delete on users begin
    update totals set users = users - 1 where id = 1;
end;
