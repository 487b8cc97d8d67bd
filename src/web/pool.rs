//! The server's connections for learners' requests: a bounded pool
//! (r2d2, the synchronous pool: requests run on blocking threads), so a
//! class of hundreds shares a few connections and PostgreSQL's
//! `max_connections` is never reached. New connections are made beside
//! the server's own ([`crate::store::Maintenance::another`]); one the
//! database server closed is dropped and replaced.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::store::{Db, Store, StoreError};

/// The most connections learners' requests hold at once.
pub const CONNECTIONS: u32 = 16;

/// How long a request waits for a connection before it is told the
/// server is busy.
const WAIT: Duration = Duration::from_secs(10);

/// Makes and checks the pool's connections.
pub(crate) struct Manager {
    /// A connection kept only to make others beside it.
    template: Mutex<Db>,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Db;
    type Error = StoreError;

    fn connect(&self) -> Result<Db, StoreError> {
        let mut db = self
            .template
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .another()?;
        db.set_patience(Duration::from_secs(5))?;
        Ok(db)
    }

    fn is_valid(&self, _: &mut Db) -> Result<(), StoreError> {
        Ok(())
    }

    fn has_broken(&self, db: &mut Db) -> bool {
        db.broken()
    }
}

/// The pool.
pub(crate) type Pool = r2d2::Pool<Manager>;

/// A pool making connections beside `template`'s.
pub(crate) fn pool(template: Db) -> Pool {
    r2d2::Pool::builder()
        .max_size(CONNECTIONS)
        .min_idle(Some(1))
        .test_on_check_out(false)
        .connection_timeout(WAIT)
        .build_unchecked(Manager {
            template: Mutex::new(template),
        })
}

/// A learner's connection for one request, back to the pool after it.
#[derive(Default)]
pub(crate) struct Conn(Option<r2d2::PooledConnection<Manager>>);

impl Conn {
    /// Holds `c` for a request.
    pub(crate) fn hold(&mut self, c: r2d2::PooledConnection<Manager>) {
        self.0 = Some(c);
    }

    /// Gives it back.
    pub(crate) fn release(&mut self) {
        self.0 = None;
    }
}

impl Deref for Conn {
    type Target = dyn Store + Send;

    fn deref(&self) -> &(dyn Store + Send + 'static) {
        &***self
            .0
            .as_ref()
            .expect("a request holds a connection while it runs")
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut (dyn Store + Send + 'static) {
        &mut ***self
            .0
            .as_mut()
            .expect("a request holds a connection while it runs")
    }
}
