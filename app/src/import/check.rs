//! Which Flaskblog rows Quire can take, and why the others cannot be: Quire's own rules for
//! usernames, emails and posts, names and emails unique regardless of case, authors that exist.

use std::collections::{HashMap, HashSet};

use crate::{
    error::AppError,
    import::source::{FlaskPost, FlaskUser, Flaskblog},
    posts::model::NewPost,
    users::model::{email_error, normalize_username, username_error},
};

/// What is in the target database already (all empty unless merging).
#[derive(Debug, Clone, Default)]
pub struct Existing {
    /// User ids.
    pub user_ids: HashSet<i64>,
    /// Usernames, lower-cased.
    pub usernames: HashSet<String>,
    /// Emails, lower-cased.
    pub emails: HashSet<String>,
    /// Post ids.
    pub post_ids: HashSet<i64>,
}

/// A row Quire cannot take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row, e.g. `user 3 "bob"` or `post 12`.
    pub row: String,
    /// Why it cannot be taken.
    pub reason: String,
}

/// What an import will write, what it skips, and what stops it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Users to write.
    pub users: Vec<FlaskUser>,
    /// Posts to write.
    pub posts: Vec<FlaskPost>,
    /// Users already in Quire under the same id (merge only).
    pub skipped_users: usize,
    /// Posts already in Quire under the same id (merge only).
    pub skipped_posts: usize,
    /// Rows that stop the import.
    pub problems: Vec<Problem>,
}

/// Checks every row of `source` against Quire's rules and what `existing` holds.
pub fn plan(source: Flaskblog, existing: &Existing) -> Plan {
    let mut plan = Plan::default();
    let mut usernames: HashMap<String, i64> = HashMap::new();
    let mut emails: HashMap<String, i64> = HashMap::new();
    let mut authors: HashSet<i64> = existing.user_ids.clone();
    for user in source.users {
        authors.insert(user.id);
        if existing.user_ids.contains(&user.id) {
            plan.skipped_users += 1;
            continue;
        }
        let row = format!("user {} {:?}", user.id, user.username);
        for reason in user_problems(&user, existing, &mut usernames, &mut emails) {
            plan.problems.push(Problem {
                row: row.clone(),
                reason,
            });
        }
        plan.users.push(user);
    }
    for post in source.posts {
        if existing.post_ids.contains(&post.id) {
            plan.skipped_posts += 1;
            continue;
        }
        let row = format!("post {}", post.id);
        if !authors.contains(&post.user_id) {
            plan.problems.push(Problem {
                row: row.clone(),
                reason: format!("its author, user {}, does not exist", post.user_id),
            });
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
    }
    let name = user.username.to_lowercase();
    if existing.usernames.contains(&name) {
        reasons.push("a Quire user has this username (ignoring case)".to_owned());
    } else if let Some(other) = usernames.insert(name, user.id) {
        reasons.push(format!("user {other} has the same username, ignoring case"));
    }
    let email = user.email.to_lowercase();
    if existing.emails.contains(&email) {
        reasons.push("a Quire user has this email (ignoring case)".to_owned());
    } else if let Some(other) = emails.insert(email, user.id) {
        reasons.push(format!("user {other} has the same email, ignoring case"));
    }
    reasons
}

/// A Flask-Bcrypt hash: `$2a$`, `$2b$` or `$2y$`, 60 characters.
fn is_bcrypt(hash: &str) -> bool {
    hash.len() == 60 && ["$2a$", "$2b$", "$2y$"].iter().any(|p| hash.starts_with(p))
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

    #[test]
    fn merging_skips_rows_already_there_by_id() {
        let existing = Existing {
            user_ids: HashSet::from([1]),
            usernames: HashSet::from(["a1".to_owned()]),
            emails: HashSet::from(["a@b.io".to_owned()]),
            post_ids: HashSet::from([1]),
        };
        let source = Flaskblog {
            users: vec![user(1, "a1", "a@b.io"), user(2, "b2", "b@b.io")],
            posts: vec![post(1, 1), post(2, 1)],
        };
        let plan = plan(source, &existing);
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert_eq!((plan.skipped_users, plan.skipped_posts), (1, 1));
        assert_eq!((plan.users.len(), plan.posts.len()), (1, 1));
    }
}
