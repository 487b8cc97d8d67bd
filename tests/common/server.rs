//! A `recall serve --class` process on a free loopback port, for the tests
//! and benchmarks that drive a real server: started with its database and
//! clock, ready once its banner is printed, killed however the caller
//! ends.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

/// A running class server.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it printed as it started, up to its "Ctrl-C" line.
    pub banner: String,
    log: Option<JoinHandle<String>>,
}

/// A loopback port free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts `recall` (the binary at `bin`) as `serve --class` on `db`
    /// with its clock at `now`, and waits for its banner. Its standard
    /// error is kept for [`Server::stop`].
    pub fn class(bin: &Path, db: &str, now: &str) -> Server {
        let port = free_port();
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--class", "--listen", &format!("127.0.0.1:{port}")])
            .env("RECALL_DB", db)
            .env("RECALL_NOW", now);
        Server::start(cmd, port)
    }

    /// Starts `cmd`, a `recall serve` listening on loopback `port`, and
    /// waits for its banner. Its standard error is kept for
    /// [`Server::stop`].
    pub fn start(mut cmd: Command, port: u16) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut err = child.stderr.take().unwrap();
        let log = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });
        let mut banner = String::new();
        while !banner.contains("Ctrl-C") {
            if out.read_line(&mut banner).unwrap_or(0) == 0 {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the server stopped: {banner}{}",
                    log.join().unwrap_or_default()
                );
            }
        }
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Server {
            child,
            addr: format!("127.0.0.1:{port}").parse().unwrap(),
            banner,
            log: Some(log),
        }
    }

    /// The server's peak resident memory so far, in MB.
    pub fn peak_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }

    /// Stops the server; what it wrote to standard error.
    pub fn stop(mut self) -> String {
        self.kill();
        self.log
            .take()
            .map(|l| l.join().unwrap_or_default())
            .unwrap_or_default()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
