//! Which Flaskblog rows Quire can take, and why the others cannot be: Quire's own rules for
//! usernames, emails, password hashes and posts, names and emails unique by their identity key,
//! authors that exist. When merging into a Quire that has users, a Flaskblog user is the Quire
//! user with the same email (by identity key); ids taken by someone else are given new ones, and
//! every such change is reported.

use std::collections::{HashMap, HashSet};

use crate::{
    auth::password::{BCRYPT_MAX_COST, bcrypt_cost},
    import::source::{FlaskPost, FlaskUser, Flaskblog},
    posts::model::NewPost,
    shared::error::AppError,
    users::{
        identity::identity_key,
        model::{email_error, normalize_username, username_error},
    },
};

/// A user already in the target database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingUser {
    /// Quire's id.
    pub id: i64,
    /// The username.
    pub username: String,
}

/// A post already in the target database, as much of it as tells whether it is the same post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingPost {
    /// Its author's Quire id.
    pub user_id: i64,
    /// Its title.
    pub title: String,
}

/// What is in the target database already (all empty unless merging).
#[derive(Debug, Clone, Default)]
pub struct Existing {
    /// Users by the identity key of their email.
    pub users_by_email: HashMap<String, ExistingUser>,
    /// User ids by the identity key of their username.
    pub usernames: HashMap<String, i64>,
    /// Every user id.
    pub user_ids: HashSet<i64>,
    /// Posts by id.
    pub posts: HashMap<i64, ExistingPost>,
}

impl Existing {
    /// Adds a user as the database holds it.
    pub fn add_user(&mut self, id: i64, username: &str, email: &str) {
        self.user_ids.insert(id);
        self.usernames.insert(identity_key(username), id);
        self.users_by_email.insert(
            identity_key(email),
            ExistingUser {
                id,
                username: username.to_owned(),
            },
        );
    }
}

/// A row Quire cannot take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row, e.g. `user 3 "bob"` or `post 12`.
    pub row: String,
    /// Why it cannot be taken.
    pub reason: String,
}

/// A Flaskblog user who is already a Quire user (the same email, by identity key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The Flaskblog's id.
    pub source_id: i64,
    /// The Flaskblog's username.
    pub source_username: String,
    /// The Quire user their posts go to.
    pub quire: ExistingUser,
}

/// A row written under another id than the Flaskblog's, because Quire has that id already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renumbered {
    /// The Flaskblog's id.
    pub from: i64,
    /// The id it is written under.
    pub to: i64,
}

/// What an import will write, what it skips, and what stops it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Users to write (ids as they will be written).
    pub users: Vec<FlaskUser>,
    /// Posts to write (ids and authors as they will be written).
    pub posts: Vec<FlaskPost>,
    /// Flaskblog users who are Quire users already, matched by email (merge only).
    pub matched_users: Vec<Matched>,
    /// Users written under a new id (merge only).
    pub renumbered_users: Vec<Renumbered>,
    /// Posts written under a new id (merge only).
    pub renumbered_posts: Vec<Renumbered>,
    /// Posts already in Quire: the same id, author and title (merge only).
    pub skipped_posts: usize,
    /// Rows that stop the import.
    pub problems: Vec<Problem>,
}

/// Checks every row of `source` against Quire's rules and what `existing` holds, and says
/// under which id each row is written.
pub fn plan(source: Flaskblog, existing: &Existing) -> Plan {
    let mut plan = Plan::default();
    let mut next_user_id = next_id(
        existing
            .user_ids
            .iter()
            .chain(source.users.iter().map(|u| &u.id)),
    );
    let mut next_post_id = next_id(
        existing
            .posts
            .keys()
            .chain(source.posts.iter().map(|p| &p.id)),
    );
    let mut usernames: HashMap<String, i64> = HashMap::new();
    let mut emails: HashMap<String, i64> = HashMap::new();
    // Each Flaskblog user id, and the Quire id their posts go to.
    let mut authors: HashMap<i64, i64> = HashMap::new();
    for mut user in source.users {
        if let Some(quire) = existing.users_by_email.get(&identity_key(&user.email)) {
            authors.insert(user.id, quire.id);
            plan.matched_users.push(Matched {
                source_id: user.id,
                source_username: user.username,
                quire: quire.clone(),
            });
            continue;
        }
        let row = format!("user {} {:?}", user.id, user.username);
        for reason in user_problems(&user, existing, &mut usernames, &mut emails) {
            plan.problems.push(Problem {
                row: row.clone(),
                reason,
            });
        }
        if existing.user_ids.contains(&user.id) {
            let to = take(&mut next_user_id);
            plan.renumbered_users.push(Renumbered { from: user.id, to });
            authors.insert(user.id, to);
            user.id = to;
        } else {
            authors.insert(user.id, user.id);
        }
        plan.users.push(user);
    }
    for mut post in source.posts {
        let row = format!("post {}", post.id);
        let Some(&author) = authors.get(&post.user_id) else {
            plan.problems.push(Problem {
                row,
                reason: format!("its author, user {}, does not exist", post.user_id),
            });
            continue;
        };
        post.user_id = author;
        match existing.posts.get(&post.id) {
            Some(there) if there.user_id == author && there.title == post.title => {
                plan.skipped_posts += 1;
                continue;
            }
            Some(_) => {
                let to = take(&mut next_post_id);
                plan.renumbered_posts.push(Renumbered { from: post.id, to });
                post.id = to;
            }
            None => {}
        }
        let check = NewPost {
            title: post.title.clone(),
            content: post.content.clone(),
        };
        if let Err(AppError::Invalid(errors)) = check.validate() {
            for field in ["title", "content"] {
                if let Some(message) = errors.get(field) {
                    plan.problems.push(Problem {
                        row: row.clone(),
                        reason: message.to_owned(),
                    });
                }
            }
        }
        plan.posts.push(post);
    }
    plan
}

/// One past the largest of `ids` (1 when there are none).
fn next_id<'a>(ids: impl Iterator<Item = &'a i64>) -> i64 {
    ids.copied().max().unwrap_or(0).saturating_add(1)
}

/// `next`, which then moves on by one.
fn take(next: &mut i64) -> i64 {
    let id = *next;
    *next = next.saturating_add(1);
    id
}

fn user_problems(
    user: &FlaskUser,
    existing: &Existing,
    usernames: &mut HashMap<String, i64>,
    emails: &mut HashMap<String, i64>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if normalize_username(&user.username) != user.username {
        reasons.push(
            "the username has spaces around it or characters Quire writes another way (NFKC)"
                .to_owned(),
        );
    } else if let Some(message) = username_error(&user.username) {
        reasons.push(format!("username: {message}"));
    }
    if let Some(message) = email_error(&user.email) {
        reasons.push(format!("email {:?}: {message}", user.email));
    }
    if !is_bcrypt(&user.password) {
        reasons.push("the password is not a bcrypt hash".to_owned());
    } else if let Some(cost) = bcrypt_cost(&user.password).filter(|c| *c > BCRYPT_MAX_COST) {
        reasons.push(format!(
            "the password hash has bcrypt cost {cost}; Quire takes at most {BCRYPT_MAX_COST}, \
             since each log-in would hash for minutes or longer (the user can set a new \
             password by reset after an import without it)"
        ));
    }
    let name = identity_key(&user.username);
    if let Some(holder) = existing.usernames.get(&name) {
        reasons.push(format!(
            "Quire user {holder} has this username (ignoring case) with another email; \
             rename one of them first"
        ));
    } else if let Some(other) = usernames.insert(name, user.id) {
        reasons.push(format!("user {other} has the same username, ignoring case"));
    }
    if let Some(other) = emails.insert(identity_key(&user.email), user.id) {
        reasons.push(format!("user {other} has the same email, ignoring case"));
    }
    reasons
}

/// A Flask-Bcrypt hash: `$2a$`, `$2b$` or `$2y$` with a two-digit cost, 60 characters.
fn is_bcrypt(hash: &str) -> bool {
    hash.len() == 60 && crate::auth::password::is_bcrypt(hash) && bcrypt_cost(hash).is_some()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    const HASH: &str = "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";

    fn user(id: i64, username: &str, email: &str) -> FlaskUser {
        FlaskUser {
            id,
            username: username.into(),
            email: email.into(),
            image_file: "default.jpg".into(),
            password: HASH.into(),
        }
    }

    fn post(id: i64, user_id: i64) -> FlaskPost {
        FlaskPost {
            id,
            title: "Title".into(),
            date_posted: Utc::now(),
            content: "Content".into(),
            user_id,
        }
    }

    fn reasons(plan: &Plan) -> Vec<String> {
        plan.problems
            .iter()
            .map(|p| format!("{}: {}", p.row, p.reason))
            .collect()
    }

    #[test]
    fn good_rows_are_all_taken() {
        let source = Flaskblog {
            users: vec![user(1, "Corey", "C@demo.com")],
            posts: vec![post(1, 1)],
        };
        let plan = plan(source, &Existing::default());
        assert!(plan.problems.is_empty());
        assert_eq!((plan.users.len(), plan.posts.len()), (1, 1));
    }

    #[test]
    fn emails_equal_but_for_case_are_refused() {
        let source = Flaskblog {
            users: vec![user(1, "a1", "X@demo.com"), user(2, "b2", "x@DEMO.com")],
            posts: vec![],
        };
        assert_eq!(
            reasons(&plan(source, &Existing::default())),
            ["user 2 \"b2\": user 1 has the same email, ignoring case"]
        );
    }

    #[test]
    fn a_username_breaking_the_rules_is_refused() {
        let source = Flaskblog {
            users: vec![user(1, "bad name!", "a@b.io")],
            posts: vec![],
        };
        let found = reasons(&plan(source, &Existing::default()));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("user 1 \"bad name!\": username:"),
            "{found:?}"
        );
    }

    #[test]
    fn a_post_without_its_author_is_refused() {
        let source = Flaskblog {
            users: vec![user(1, "a1", "a@b.io")],
            posts: vec![post(7, 9)],
        };
        assert_eq!(
            reasons(&plan(source, &Existing::default())),
            ["post 7: its author, user 9, does not exist"]
        );
    }

    #[test]
    fn a_hash_that_is_not_bcrypt_is_refused() {
        let mut odd = user(1, "a1", "a@b.io");
        odd.password = "plain".into();
        let source = Flaskblog {
            users: vec![odd],
            posts: vec![],
        };
        assert_eq!(
            reasons(&plan(source, &Existing::default())),
            ["user 1 \"a1\": the password is not a bcrypt hash"]
        );
    }

    fn existing_corey() -> Existing {
        let mut existing = Existing::default();
        existing.add_user(1, "Corey", "C@demo.com");
        existing.posts.insert(
            1,
            ExistingPost {
                user_id: 1,
                title: "Title".into(),
            },
        );
        existing
    }

    #[test]
    fn a_bcrypt_cost_past_the_limit_is_refused() {
        let mut slow = user(1, "a1", "a@b.io");
        slow.password = format!("$2b$31${}", "a".repeat(53));
        let source = Flaskblog {
            users: vec![slow],
            posts: vec![],
        };
        let found = reasons(&plan(source, &Existing::default()));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("bcrypt cost 31"), "{found:?}");
    }

    #[test]
    fn merging_matches_a_user_by_email_whatever_its_case() {
        let source = Flaskblog {
            users: vec![user(5, "corey", "c@DEMO.com")],
            posts: vec![post(9, 5)],
        };
        let plan = plan(source, &existing_corey());
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert!(plan.users.is_empty());
        assert_eq!(plan.matched_users[0].quire.id, 1);
        assert_eq!(plan.posts[0].user_id, 1);
    }

    #[test]
    fn merging_gives_a_new_id_to_a_user_whose_id_quire_has() {
        let source = Flaskblog {
            users: vec![user(1, "bob", "bob@b.io")],
            posts: vec![post(2, 1)],
        };
        let plan = plan(source, &existing_corey());
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert_eq!(plan.renumbered_users, [Renumbered { from: 1, to: 2 }]);
        assert_eq!(plan.users[0].id, 2);
        assert_eq!(plan.posts[0].user_id, 2);
    }

    #[test]
    fn merging_never_gives_a_post_to_the_quire_user_with_its_authors_id() {
        let source = Flaskblog {
            users: vec![user(1, "bob", "bob@b.io")],
            posts: vec![post(7, 1)],
        };
        let plan = plan(source, &existing_corey());
        assert_ne!(plan.posts[0].user_id, 1);
    }

    #[test]
    fn merging_gives_a_new_id_to_a_different_post_whose_id_quire_has() {
        let source = Flaskblog {
            users: vec![user(3, "bob", "bob@b.io")],
            posts: vec![post(1, 3)],
        };
        let plan = plan(source, &existing_corey());
        assert_eq!(plan.renumbered_posts, [Renumbered { from: 1, to: 2 }]);
        assert_eq!(plan.posts.len(), 1);
        assert_eq!(plan.skipped_posts, 0);
    }

    #[test]
    fn merging_skips_a_post_quire_has_already() {
        let source = Flaskblog {
            users: vec![user(1, "Corey", "C@demo.com")],
            posts: vec![post(1, 1)],
        };
        let plan = plan(source, &existing_corey());
        assert!(plan.posts.is_empty());
        assert_eq!(plan.skipped_posts, 1);
    }

    #[test]
    fn merging_refuses_a_username_a_quire_user_with_another_email_has() {
        let source = Flaskblog {
            users: vec![user(8, "COREY", "someone@else.io")],
            posts: vec![],
        };
        let found = reasons(&plan(source, &existing_corey()));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("Quire user 1 has this username"),
            "{found:?}"
        );
    }
}
