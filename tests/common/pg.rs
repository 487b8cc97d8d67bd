//! A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary
//! directory (as the `postgres` user when the tests run as root), started
//! on a free loopback port, stopped and removed when the test process
//! exits; a fresh database for each store. Without PostgreSQL's binaries a
//! test says so loudly and skips, unless `RECALL_CI=1` (as `.ci/run`
//! sets), where the skip is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The running cluster.
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    options: String,
}

/// Where `initdb`, `pg_ctl` and `postgres` are, if anywhere.
fn binaries() -> Option<PathBuf> {
    let mut places: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    places.push(PathBuf::from("/usr/local/bin"));
    if let Ok(versions) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut found: Vec<PathBuf> = versions
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .collect();
        found.sort();
        places.extend(found.into_iter().rev());
    }
    places
        .into_iter()
        .find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) reads the process's user id; it touches no memory.
    unsafe { libc::geteuid() == 0 }
}

/// `program` with `args`, as the `postgres` user when running as root
/// (PostgreSQL refuses to run as root).
fn as_owner(program: &Path, args: &[&str]) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program).args(args);
        cmd
    } else {
        let mut cmd = Command::new(program);
        cmd.args(args);
        cmd
    }
}

fn run(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

extern "C" fn stop_at_exit() {
    if let Some(Some(c)) = CLUSTER.get() {
        let _ = as_owner(
            &c.bin.join("pg_ctl"),
            &[
                "-D",
                c.dir.to_str().unwrap_or(""),
                "-m",
                "immediate",
                "stop",
            ],
        )
        .output();
        if let Some(parent) = c.dir.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// The cluster, started on first use; `None` (after saying so) where
/// PostgreSQL is not installed.
pub fn cluster() -> Option<&'static Cluster> {
    CLUSTER
        .get_or_init(|| {
            let Some(bin) = binaries() else {
                let why = "SKIPPED: the PostgreSQL tests need initdb and pg_ctl \
                           (apt-get install -y postgresql)";
                assert!(std::env::var("RECALL_CI").as_deref() != Ok("1"), "{why}");
                eprintln!("{why}");
                return None;
            };
            let dir = std::env::temp_dir().join(format!("recall-pg-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            if is_root() {
                run(
                    {
                        let mut c = Command::new("chown");
                        c.args(["postgres:", dir.to_str().unwrap()]);
                        c
                    },
                    "chown",
                );
            }
            let data = dir.join("data");
            run(
                as_owner(
                    &bin.join("initdb"),
                    &[
                        "-D",
                        data.to_str().unwrap(),
                        "-U",
                        "recall",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--no-locale",
                        "--no-sync",
                    ],
                ),
                "initdb",
            );
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c max_connections=200",
                dir.display()
            );
            run(
                as_owner(
                    &bin.join("pg_ctl"),
                    &[
                        "-D",
                        data.to_str().unwrap(),
                        "-o",
                        &options,
                        "-l",
                        dir.join("log").to_str().unwrap(),
                        "-w",
                        "start",
                    ],
                ),
                "pg_ctl start",
            );
            // SAFETY: registers a plain function to run at exit.
            unsafe {
                libc::atexit(stop_at_exit);
            }
            Some(Cluster {
                dir: data,
                port,
                bin,
                options,
            })
        })
        .as_ref()
}

impl Cluster {
    /// A new, empty database's URL.
    pub fn database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        // On a thread of its own: the client blocks on a runtime of its
        // own, which an async test's thread may not.
        let admin = format!("postgres://recall@127.0.0.1:{}/postgres", self.port);
        let create = format!("CREATE DATABASE {name}");
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
            client.batch_execute(&create).unwrap();
        })
        .join()
        .unwrap();
        format!("postgres://recall@127.0.0.1:{}/{name}", self.port)
    }

    /// Stops the server as an administrator would for a restart
    /// (`pg_ctl stop -m fast`: sessions are ended, committed work kept).
    pub fn stop(&self) {
        run(
            as_owner(
                &self.bin.join("pg_ctl"),
                &["-D", self.dir.to_str().unwrap(), "-m", "fast", "-w", "stop"],
            ),
            "pg_ctl stop",
        );
    }

    /// Starts it again after [`Cluster::stop`].
    pub fn start(&self) {
        let log = self.dir.parent().unwrap().join("log");
        run(
            as_owner(
                &self.bin.join("pg_ctl"),
                &[
                    "-D",
                    self.dir.to_str().unwrap(),
                    "-o",
                    &self.options,
                    "-l",
                    log.to_str().unwrap(),
                    "-w",
                    "start",
                ],
            ),
            "pg_ctl start",
        );
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }
}
