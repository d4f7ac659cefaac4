//! `quire import flaskblog`: a Flaskblog's users, posts and profile pictures moved into Quire in
//! one transaction, after every row has been checked.

pub mod check;
pub mod pictures;
pub mod repo;
pub mod seed;
pub mod source;
