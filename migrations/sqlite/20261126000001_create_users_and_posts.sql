-- Users and their posts (the Flaskblog's User and Post models).
-- SQLite ignores VARCHAR(n), so CHECK constraints enforce the same limits as Postgres.
create table users (
    id integer primary key,
    username text not null check (length(username) between 1 and 20),
    email text not null check (length(email) between 1 and 120),
    image_file text not null default 'default.jpg' check (length(image_file) between 1 and 20),
    password text not null check (length(password) between 1 and 255),
    constraint users_username_key unique (username),
    constraint users_email_key unique (email)
);

create table posts (
    id integer primary key,
    title text not null check (length(title) between 1 and 100),
    date_posted text not null default (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    content text not null,
    user_id integer not null references users (id) on delete cascade
);

-- Newest-first listing of all posts, and of one author's posts.
create index posts_date_posted_idx on posts (date_posted desc, id desc);
create index posts_user_id_date_posted_idx on posts (user_id, date_posted desc, id desc);
