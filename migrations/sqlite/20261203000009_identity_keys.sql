-- Emails and usernames are matched by a key Quire computes (NFKC and a Unicode case fold), never
-- by the database's lower(), which follows the locale and on Postgres can map a look-alike such as
-- 'İ' to ASCII 'i'. Quire fills the keys of existing rows right after migrating.
alter table users add column email_key text;
alter table users add column username_key text;
drop index users_email_lower_key;
drop index users_username_lower_key;
create unique index users_email_identity_key on users (email_key);
create unique index users_username_identity_key on users (username_key);
