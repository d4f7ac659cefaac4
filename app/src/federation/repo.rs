//! SQL of federation: authors' and the instance's keys, remote actors, followers, the delivery
//! queue, and the cursor of live events already turned into deliveries.

use crate::{
    server_only::db::{Db, DbError, begin_write},
    with_pool,
};

const INSTANCE_PRIVATE_KEY: &str = "federation_private_key";
const INSTANCE_PUBLIC_KEY: &str = "federation_public_key";

/// A key pair as stored: PKCS#8 and SubjectPublicKeyInfo PEM.
pub struct KeyPair {
    /// The private key (PKCS#8 PEM).
    pub private_pem: String,
    /// The public key (SubjectPublicKeyInfo PEM), as actors publish it.
    pub public_pem: String,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    private_key: String,
    public_key: String,
}

/// The author's stored key pair.
pub async fn find_actor_key(db: &Db, user_id: i64) -> Result<Option<KeyPair>, DbError> {
    let row: Option<KeyRow> = with_pool!(db, |pool| sqlx::query_as(
        "select private_key, public_key from actor_keys where user_id = $1"
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row.map(|row| KeyPair {
        private_pem: row.private_key,
        public_pem: row.public_key,
    }))
}

/// Stores the author's key pair, unless one is already stored.
pub async fn insert_actor_key(
    db: &Db,
    user_id: i64,
    keys: &KeyPair,
    now: i64,
) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "insert into actor_keys (user_id, private_key, public_key, created_at) \
         values ($1, $2, $3, $4) on conflict (user_id) do nothing"
    )
    .bind(user_id)
    .bind(&keys.private_pem)
    .bind(&keys.public_pem)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The instance's stored key pair.
pub async fn find_instance_key(db: &Db) -> Result<Option<KeyPair>, DbError> {
    let rows: Vec<(String, String)> = with_pool!(db, |pool| sqlx::query_as(
        "select key, value from settings where key in ($1, $2)"
    )
    .bind(INSTANCE_PRIVATE_KEY)
    .bind(INSTANCE_PUBLIC_KEY)
    .fetch_all(pool)
    .await)?;
    let find = |name: &str| {
        rows.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    Ok(find(INSTANCE_PRIVATE_KEY)
        .zip(find(INSTANCE_PUBLIC_KEY))
        .map(|(private_pem, public_pem)| KeyPair {
            private_pem,
            public_pem,
        }))
}

/// Stores the instance's key pair, both halves in one statement, unless one is stored.
pub async fn insert_instance_key(db: &Db, keys: &KeyPair) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "insert into settings (key, value) select $1, $2 union all select $3, $4 \
         where not exists (select 1 from settings where key = $1) \
         on conflict (key) do nothing"
    )
    .bind(INSTANCE_PRIVATE_KEY)
    .bind(&keys.private_pem)
    .bind(INSTANCE_PUBLIC_KEY)
    .bind(&keys.public_pem)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// A remote actor as its server describes it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RemoteActor {
    /// Its id (address).
    pub id: String,
    /// Its inbox.
    pub inbox: String,
    /// Its server's shared inbox, if it has one.
    pub shared_inbox: Option<String>,
    /// The id of the key it signs with.
    pub key_id: String,
    /// That key (PEM).
    pub public_key: String,
}

/// The remote actor whose key has this id.
pub async fn find_remote_actor_by_key(
    db: &Db,
    key_id: &str,
) -> Result<Option<RemoteActor>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, RemoteActor>(
        "select id, inbox, shared_inbox, key_id, public_key from remote_actors where key_id = $1"
    )
    .bind(key_id)
    .fetch_optional(pool)
    .await)?)
}

/// Stores a remote actor as just fetched, replacing what was kept of it (and of any other
/// actor that had claimed the same key).
pub async fn store_remote_actor(db: &Db, actor: &RemoteActor, now: i64) -> Result<(), DbError> {
    with_pool!(db, |pool| {
        let mut tx = begin_write(pool).await?;
        sqlx::query("delete from remote_actors where key_id = $1 and id <> $2")
            .bind(&actor.key_id)
            .bind(&actor.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into remote_actors (id, inbox, shared_inbox, key_id, public_key, fetched_at) \
             values ($1, $2, $3, $4, $5, $6) on conflict (id) do update set inbox = $2, \
             shared_inbox = $3, key_id = $4, public_key = $5, fetched_at = $6",
        )
        .bind(&actor.id)
        .bind(&actor.inbox)
        .bind(&actor.shared_inbox)
        .bind(&actor.key_id)
        .bind(&actor.public_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;
    Ok(())
}

/// A delivery to queue: one activity to one inbox, signed by an author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// Where it goes.
    pub inbox: String,
    /// The author whose key signs it.
    pub signer: i64,
    /// The activity's id.
    pub activity_id: String,
    /// The activity (JSON).
    pub body: String,
}

/// Stores (or refreshes) a follower and queues the `Accept` of their `Follow`, together.
pub async fn insert_follower(
    db: &Db,
    user_id: i64,
    actor: &RemoteActor,
    follow_id: &str,
    accept: &NewDelivery,
    now: i64,
) -> Result<(), DbError> {
    with_pool!(db, |pool| {
        let mut tx = begin_write(pool).await?;
        sqlx::query(
            "insert into followers (user_id, actor_id, inbox, shared_inbox, follow_id, created_at) \
             values ($1, $2, $3, $4, $5, $6) on conflict (user_id, actor_id) do update set \
             inbox = $3, shared_inbox = $4, follow_id = $5",
        )
        .bind(user_id)
        .bind(&actor.id)
        .bind(&actor.inbox)
        .bind(&actor.shared_inbox)
        .bind(follow_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(INSERT_DELIVERY)
            .bind(&accept.inbox)
            .bind(accept.signer)
            .bind(&accept.activity_id)
            .bind(&accept.body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })?;
    Ok(())
}

const INSERT_DELIVERY: &str = "insert into deliveries (inbox, signer, activity_id, body, created_at, next_attempt_at) \
     values ($1, $2, $3, $4, $5, $5)";

/// Removes `actor`'s follow of the author (by the Follow's id, or any follow of this author
/// when `follow_id` names none); returns how many went.
pub async fn delete_follower(
    db: &Db,
    actor_id: &str,
    user_id: Option<i64>,
    follow_id: &str,
) -> Result<u64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query(
        "delete from followers where actor_id = $1 and (follow_id = $2 or user_id = $3)"
    )
    .bind(actor_id)
    .bind(follow_id)
    .bind(user_id)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?)
}

/// Forgets a remote actor that was deleted: its follows and its key.
pub async fn delete_remote_actor(db: &Db, actor_id: &str) -> Result<u64, DbError> {
    with_pool!(db, |pool| {
        let mut tx = begin_write(pool).await?;
        let gone = sqlx::query("delete from followers where actor_id = $1")
            .bind(actor_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("delete from remote_actors where id = $1")
            .bind(actor_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await.map(|()| gone)
    })
    .map_err(DbError::from)
}

/// How many follow the author from elsewhere.
pub async fn count_followers(db: &Db, user_id: i64) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select count(*) from followers where user_id = $1"
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)?)
}

/// Where the author's activities go: one inbox per server (its shared inbox when it has one).
pub async fn follower_inboxes(db: &Db, user_id: i64) -> Result<Vec<String>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select distinct coalesce(shared_inbox, inbox) from followers where user_id = $1 order by 1"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?)
}

/// The newest live event already federated.
pub async fn read_cursor(db: &Db) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select last_event from federation_cursor where id = 1"
    )
    .fetch_one(pool)
    .await)?)
}

/// Moves the cursor from `from` to `to` and queues `deliveries`, in one transaction; false
/// (and nothing queued) when another instance moved it first.
pub async fn advance_cursor(
    db: &Db,
    from: i64,
    to: i64,
    deliveries: &[NewDelivery],
    now: i64,
) -> Result<bool, DbError> {
    with_pool!(db, |pool| {
        let mut tx = begin_write(pool).await?;
        let moved = sqlx::query(
            "update federation_cursor set last_event = $2 where id = 1 and last_event = $1",
        )
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        for delivery in deliveries {
            sqlx::query(INSERT_DELIVERY)
                .bind(&delivery.inbox)
                .bind(delivery.signer)
                .bind(&delivery.activity_id)
                .bind(&delivery.body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await.map(|()| true)
    })
    .map_err(DbError::from)
}

/// A claimed delivery, about to be sent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedDelivery {
    /// Queue id.
    pub id: i64,
    /// Where it goes.
    pub inbox: String,
    /// The author whose key signs it.
    pub signer: i64,
    /// The signer's username.
    pub username: String,
    /// The activity's id.
    pub activity_id: String,
    /// The activity.
    pub body: String,
    /// Unix time it was queued.
    pub created_at: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// Claims the oldest due delivery no live claim holds, until `lease_until`, counting the
/// attempt; once across instances (Postgres skips locked rows, SQLite runs it alone).
pub async fn claim_due(
    db: &Db,
    now: i64,
    lease_until: i64,
) -> Result<Option<QueuedDelivery>, DbError> {
    const CLAIM: &str = "update deliveries set claimed_until = $2, attempts = attempts + 1 \
        where id = (select id from deliveries \
            where failed_at is null and next_attempt_at <= $1 \
            and (claimed_until is null or claimed_until < $1) \
            order by next_attempt_at, id limit 1 {LOCK}) \
        returning id, inbox, signer, activity_id, body, created_at, attempts";
    let claimed: Option<(i64, String, i64, String, String, i64, i64)> = match db {
        Db::Postgres(pool) => {
            sqlx::query_as(sqlx::AssertSqlSafe(
                CLAIM.replace("{LOCK}", "for update skip locked"),
            ))
            .bind(now)
            .bind(lease_until)
            .fetch_optional(pool)
            .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_as(sqlx::AssertSqlSafe(CLAIM.replace("{LOCK}", "")))
                .bind(now)
                .bind(lease_until)
                .fetch_optional(pool)
                .await?
        }
    };
    let Some((id, inbox, signer, activity_id, body, created_at, attempts)) = claimed else {
        return Ok(None);
    };
    let username: Option<String> = with_pool!(db, |pool| sqlx::query_scalar(
        "select username from users where id = $1"
    )
    .bind(signer)
    .fetch_optional(pool)
    .await)?;
    Ok(Some(QueuedDelivery {
        id,
        inbox,
        signer,
        username: username.unwrap_or_default(),
        activity_id,
        body,
        created_at,
        attempts,
    }))
}

/// Removes a delivery that arrived.
pub async fn delete_delivery(db: &Db, id: i64) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "delete from deliveries where id = $1"
    )
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Schedules another attempt at `next_attempt_at`, keeping why this one failed.
pub async fn reschedule(
    db: &Db,
    id: i64,
    next_attempt_at: i64,
    error: &str,
) -> Result<(), DbError> {
    with_pool!(db, |pool| {
        sqlx::query(
        "update deliveries set next_attempt_at = $1, claimed_until = null, last_error = $2 where id = $3"
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Gives up on a delivery; it stays, failed, until the sweep.
pub async fn mark_failed(db: &Db, id: i64, now: i64, error: &str) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "update deliveries set failed_at = $1, claimed_until = null, last_error = $2 where id = $3"
    )
    .bind(now)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// How many deliveries wait and how many were given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct DeliveryCounts {
    /// Still being tried.
    pub queued: i64,
    /// Given up on.
    pub failed: i64,
}

/// The queue's counts.
pub async fn delivery_counts(db: &Db) -> Result<DeliveryCounts, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, DeliveryCounts>(
        "select coalesce(sum(case when failed_at is null then 1 else 0 end), 0) as queued, \
         coalesce(sum(case when failed_at is not null then 1 else 0 end), 0) as failed \
         from deliveries"
    )
    .fetch_one(pool)
    .await)?)
}

/// A delivery given up on, as `quire federation status` lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FailedDelivery {
    /// Queue id.
    pub id: i64,
    /// Where it was going.
    pub inbox: String,
    /// The activity's id.
    pub activity_id: String,
    /// Unix time it was queued.
    pub created_at: i64,
    /// Attempts made.
    pub attempts: i64,
    /// Unix time it was given up on.
    pub failed_at: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// The newest `limit` deliveries given up on.
pub async fn list_failed(db: &Db, limit: i64) -> Result<Vec<FailedDelivery>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, FailedDelivery>(
        "select id, inbox, activity_id, created_at, attempts, failed_at, last_error \
         from deliveries where failed_at is not null order by failed_at desc, id desc limit $1"
    )
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// Deletes deliveries given up on at or before `before`; returns how many.
pub async fn delete_failed_before(db: &Db, before: i64) -> Result<u64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query(
        "delete from deliveries where failed_at is not null and failed_at <= $1"
    )
    .bind(before)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?)
}
