-- A change stamp that moves with every write to posts or users, in the writing transaction, so
-- that every instance sharing the database can tell whether a page it rendered is still current.
alter table totals add column stamp bigint not null default 0;
-- It starts from the clock (microseconds), so a database dropped and created again never reuses
-- a stamp that a running instance may still hold.
update totals set stamp = cast((julianday('now') - 2440587.5) * 86400000000 as integer) where id = 1;

create trigger posts_stamped_on_insert after insert on posts begin
    update totals set stamp = stamp + 1 where id = 1;
end;

create trigger posts_stamped_on_update after update on posts begin
    update totals set stamp = stamp + 1 where id = 1;
end;

create trigger posts_stamped_on_delete after delete on posts begin
    update totals set stamp = stamp + 1 where id = 1;
end;

create trigger users_stamped_on_insert after insert on users begin
    update totals set stamp = stamp + 1 where id = 1;
end;

create trigger users_stamped_on_update after update on users begin
    update totals set stamp = stamp + 1 where id = 1;
end;

create trigger users_stamped_on_delete after delete on users begin
    update totals set stamp = stamp + 1 where id = 1;
end;
