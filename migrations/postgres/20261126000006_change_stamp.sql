-- A change stamp that moves with every write to posts or users, in the writing transaction, so
-- that every instance sharing the database can tell whether a page it rendered is still current.
alter table totals add column stamp bigint not null default 0;
-- It starts from the clock (microseconds), so a database dropped and created again never reuses
-- a stamp that a running instance may still hold.
update totals set stamp = (extract(epoch from clock_timestamp()) * 1000000)::bigint where id = 1;

create or replace function move_change_stamp() returns trigger language plpgsql as $$
begin
    update totals set stamp = stamp + 1 where id = 1;
    return null;
end
$$;

create trigger posts_stamped after insert or update or delete or truncate on posts
    for each statement execute function move_change_stamp();

create trigger users_stamped after insert or update or delete or truncate on users
    for each statement execute function move_change_stamp();
