//! How other servers find Quire's authors: WebFinger (`acct:NAME@HOST` → the author's actor),
//! host-meta (where WebFinger is) and NodeInfo 2.1 (what software this is, and its size).

use axum::{
    Json,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use crate::{
    federation::client::ACTIVITY_JSON,
    server_only::{state::AppState, totals::read_totals},
    shared::error::AppError,
    users::repo as users,
};

/// The query of a WebFinger request.
#[derive(Debug, Deserialize)]
pub struct WebFingerQuery {
    /// `acct:NAME@HOST`, or an author's actor address.
    pub resource: Option<String>,
}

/// `GET /.well-known/webfinger?resource=acct:NAME@HOST`: the author's actor; 404 for anyone
/// else, 400 without a resource.
pub async fn webfinger(
    State(state): State<AppState>,
    Query(query): Query<WebFingerQuery>,
) -> Response {
    let urls = &state.federation.urls;
    let Some(resource) = query.resource.filter(|resource| !resource.is_empty()) else {
        return (StatusCode::BAD_REQUEST, "A resource parameter is required.").into_response();
    };
    let username = match resource.strip_prefix("acct:") {
        Some(account) => {
            let account = account.trim_start_matches('@');
            match account.rsplit_once('@') {
                Some((name, host)) if host.eq_ignore_ascii_case(urls.host()) => {
                    Some(name.to_owned())
                }
                _ => None,
            }
        }
        None => urls.username_of_actor(&resource),
    };
    let found = match username {
        Some(name) => users::find_user_by_username(&state.db, &name).await,
        None => Ok(None),
    };
    let author = match found {
        Ok(Some(author)) => author,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(error) => return AppError::from(error).into_response(),
    };
    let actor = urls.actor(&author.username);
    let document = json!({
        "subject": format!("acct:{}@{}", author.username, urls.host()),
        "aliases": [actor],
        "links": [
            { "rel": "self", "type": ACTIVITY_JSON, "href": actor },
            { "rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": actor },
        ],
    });
    (
        [
            (header::CONTENT_TYPE, "application/jrd+json; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        document.to_string(),
    )
        .into_response()
}

/// `GET /.well-known/host-meta`: where WebFinger answers.
pub async fn host_meta(State(state): State<AppState>) -> Response {
    let template = format!(
        "{}/.well-known/webfinger?resource={{uri}}",
        state.federation.urls.site()
    );
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" template=\"{}\"/>\n</XRD>\n",
        crate::components::page_title::escape_html(&template)
    );
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /.well-known/nodeinfo`: where the NodeInfo document is.
pub async fn nodeinfo_links(State(state): State<AppState>) -> Response {
    Json(json!({
        "links": [{
            "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
            "href": state.federation.urls.absolute("/nodeinfo/2.1"),
        }]
    }))
    .into_response()
}

/// `GET /nodeinfo/2.1`: the software, its protocols, and how many users and posts it holds.
pub async fn nodeinfo(State(state): State<AppState>) -> Response {
    let totals = match read_totals(&state.db).await {
        Ok(totals) => totals,
        Err(error) => return AppError::from(error).into_response(),
    };
    let document = json!({
        "version": "2.1",
        "software": {
            "name": "quire",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": ["atom1.0"] },
        "openRegistrations": true,
        "usage": {
            "users": { "total": totals.users },
            "localPosts": totals.posts,
        },
        "metadata": {},
    });
    (
        [(
            header::CONTENT_TYPE,
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
        )],
        document.to_string(),
    )
        .into_response()
}
