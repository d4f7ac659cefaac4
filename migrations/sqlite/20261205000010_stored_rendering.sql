-- Each post's Markdown is rendered when it is written, and stored with the version of the renderer
-- that made it; reading a page renders nothing. Rows from before (rendered_by 0) are rendered
-- again by Quire, in the background after it starts or by `quire post render`, and until then
-- when they are read.
alter table posts add column content_html text not null default '';
alter table posts add column excerpt_html text not null default '';
alter table posts add column excerpt_more boolean not null default 0;
alter table posts add column summary text not null default '';
alter table posts add column rendered_by integer not null default 0;
create index posts_rendered_by on posts (rendered_by);
