-- Users and their posts (the Flaskblog's User and Post models).
create table users (
    id bigserial primary key,
    username varchar(20) not null check (length(username) >= 1),
    email varchar(120) not null check (length(email) >= 1),
    image_file varchar(20) not null default 'default.jpg' check (length(image_file) >= 1),
    password varchar(255) not null check (length(password) >= 1),
    constraint users_username_key unique (username),
    constraint users_email_key unique (email)
);

create table posts (
    id bigserial primary key,
    title varchar(100) not null check (length(title) >= 1),
    date_posted timestamptz not null default now(),
    content text not null,
    user_id bigint not null references users (id) on delete cascade
);

-- Newest-first listing of all posts, and of one author's posts.
create index posts_date_posted_idx on posts (date_posted desc, id desc);
create index posts_user_id_date_posted_idx on posts (user_id, date_posted desc, id desc);
