-- Full-text search over titles and contents: an FTS5 index whose rows are the posts' rows
-- (external content), kept in step by triggers in the writing transaction. The porter stemmer
-- lets "posts" find "post"; accents are ignored.
create virtual table posts_search using fts5(
    title,
    content,
    content = 'posts',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

insert into posts_search (rowid, title, content) select id, title, content from posts;

create trigger posts_search_insert after insert on posts begin
    insert into posts_search (rowid, title, content) values (new.id, new.title, new.content);
end;

create trigger posts_search_delete after delete on posts begin
    insert into posts_search (posts_search, rowid, title, content)
    values ('delete', old.id, old.title, old.content);
end;

create trigger posts_search_update after update of title, content on posts begin
    insert into posts_search (posts_search, rowid, title, content)
    values ('delete', old.id, old.title, old.content);
    insert into posts_search (rowid, title, content) values (new.id, new.title, new.content);
end;
