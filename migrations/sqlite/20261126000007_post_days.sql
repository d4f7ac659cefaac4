-- Posts counted per UTC day (all, and per author), kept exact by triggers in the writing
-- transaction. A page far from both ends of the date index finds its day by summing these counts
-- (hundreds of rows) and skips only within that day, instead of skipping half the index.
-- A day is the number of whole days since 1970-01-01 UTC; julianday() is positive for every date
-- SQLite handles, so the cast truncates like floor().
create table post_days (
    day integer primary key,
    posts bigint not null
);

create table author_days (
    user_id integer not null,
    day integer not null,
    posts bigint not null,
    primary key (user_id, day)
);

insert into post_days (day, posts)
select cast(julianday(date_posted) + 0.5 as integer) - 2440588, count(*) from posts group by 1;

insert into author_days (user_id, day, posts)
select user_id, cast(julianday(date_posted) + 0.5 as integer) - 2440588, count(*) from posts group by 1, 2;

create trigger posts_days_on_insert after insert on posts begin
    insert into post_days (day, posts)
    values (cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1)
    on conflict (day) do update set posts = posts + 1;
    insert into author_days (user_id, day, posts)
    values (new.user_id, cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1)
    on conflict (user_id, day) do update set posts = posts + 1;
end;

create trigger posts_days_on_delete after delete on posts begin
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

-- A moved or redated post leaves its old day and joins its new one.
create trigger posts_days_on_move after update of user_id, date_posted on posts begin
    update post_days set posts = posts - 1
    where day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588;
    delete from post_days
    where day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588 and posts = 0;
    update author_days set posts = posts - 1
    where user_id = old.user_id and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588;
    delete from author_days
    where user_id = old.user_id and day = cast(julianday(old.date_posted) + 0.5 as integer) - 2440588
      and posts = 0;
    insert into post_days (day, posts)
    values (cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1)
    on conflict (day) do update set posts = posts + 1;
    insert into author_days (user_id, day, posts)
    values (new.user_id, cast(julianday(new.date_posted) + 0.5 as integer) - 2440588, 1)
    on conflict (user_id, day) do update set posts = posts + 1;
end;
