-- Server-wide values generated once and shared by every instance (the secret key).
create table settings (
    key text primary key,
    value text not null
);
