-- Posts counted per UTC day (all, and per author), kept exact by a trigger in the writing
-- transaction. A page far from both ends of the date index finds its day by summing these counts
-- (hundreds of rows) and skips only within that day, instead of skipping half the index.
-- A day is the number of whole days since 1970-01-01 UTC.
create table post_days (
    day bigint primary key,
    posts bigint not null
);

create table author_days (
    user_id bigint not null,
    day bigint not null,
    posts bigint not null,
    primary key (user_id, day)
);

create or replace function post_day(moment timestamptz) returns bigint
    language sql immutable as $$ select floor(extract(epoch from moment) / 86400)::bigint $$;

insert into post_days (day, posts)
select post_day(date_posted), count(*) from posts group by 1;

insert into author_days (user_id, day, posts)
select user_id, post_day(date_posted), count(*) from posts group by 1, 2;

create or replace function count_post_days() returns trigger language plpgsql as $$
begin
    if tg_op in ('DELETE', 'UPDATE') then
        update post_days set posts = posts - 1 where day = post_day(old.date_posted);
        delete from post_days where day = post_day(old.date_posted) and posts = 0;
        update author_days set posts = posts - 1
        where user_id = old.user_id and day = post_day(old.date_posted);
        delete from author_days
        where user_id = old.user_id and day = post_day(old.date_posted) and posts = 0;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into post_days (day, posts) values (post_day(new.date_posted), 1)
        on conflict (day) do update set posts = post_days.posts + 1;
        insert into author_days (user_id, day, posts) values (new.user_id, post_day(new.date_posted), 1)
        on conflict (user_id, day) do update set posts = author_days.posts + 1;
    end if;
    return null;
end
$$;

create trigger posts_days_counted after insert or delete or update of user_id, date_posted on posts
    for each row execute function count_post_days();
