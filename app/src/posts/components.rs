//! How a post looks: in a list, and on its own page.

use leptos::prelude::*;

use crate::posts::model::Post;

/// A post with its author's avatar and name, its date, title and content (rendered from Markdown
/// on the server); in a list, its first block and a "Read more" link when it goes on.
#[component]
pub fn PostCard(post: Post, #[prop(optional)] full_page: bool) -> impl IntoView {
    let title = if full_page {
        view! { <h1 class="post-title">{post.title.clone()}</h1> }.into_any()
    } else {
        view! { <h2 class="post-title"><a href=post.url()>{post.title.clone()}</a></h2> }.into_any()
    };
    view! {
        <article class="post">
            <img class="avatar" src=post.author.avatar_url() alt="" width="64" height="64"/>
            <div class="post-body">
                <div class="post-meta">
                    <a class="author" href=post.author.page_url()>{post.author.username.clone()}</a>
                    <time datetime=crate::shared::dates::machine_time(&post.date_posted)>{post.display_date()}</time>
                </div>
                {title}
                <TagLinks links=post.tag_links.clone()/>
                <div class="post-content" inner_html=post.html.clone()></div>
                {(post.more && !full_page).then(|| view! {
                    <p class="read-more">
                        <a href=post.url()>"Read more"<span class="visually-hidden">" of \u{201c}"{post.title.clone()}"\u{201d}"</span></a>
                    </p>
                })}
            </div>
        </article>
    }
}

/// A post's tags, each a link to its page (`links`, made on the server); for a post without
/// tags the list is empty, and not shown.
#[component]
pub fn TagLinks(links: String) -> impl IntoView {
    view! { <ul class="tags" aria-label="Tags" inner_html=links></ul> }
}

/// Posts one after another, or a note when there are none.
#[component]
pub fn PostList(posts: Vec<Post>) -> impl IntoView {
    if posts.is_empty() {
        return view! { <p class="empty">"No posts yet."</p> }.into_any();
    }
    posts
        .into_iter()
        .map(|post| view! { <PostCard post/> })
        .collect_view()
        .into_any()
}
