-- Full-text search over titles and contents: a tsvector column that Postgres computes from the
-- row itself on every insert and update (titles weigh more), with a GIN index.
alter table posts add column search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', content), 'B')
) stored;

create index posts_search_idx on posts using gin (search);
