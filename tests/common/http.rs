//! A minimal HTTP/1.1 client on one kept-alive connection, with a login
//! cookie: for the load benchmark and the fault test, which drive a real
//! server process the way a browser's forms do.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// One kept-alive HTTP/1.1 connection with a login cookie.
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
    cookie: String,
    /// The last response's body.
    pub body: String,
}

impl Client {
    pub fn connect(addr: SocketAddr, cookie: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            host: addr.to_string(),
            cookie: cookie.to_string(),
            body: String::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> (u16, Duration) {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: recall_login={}\r\n\r\n",
            self.host, self.cookie
        );
        self.exchange(&request)
    }

    pub fn post(&mut self, path: &str, body: &str) -> (u16, Duration) {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\nCookie: recall_login={1}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {2}\r\n\r\n{body}",
            self.host,
            self.cookie,
            body.len()
        );
        self.exchange(&request)
    }

    /// Sends a request and reads its whole response: the status, and the
    /// time from the first byte sent to the last byte read.
    pub fn exchange(&mut self, request: &str) -> (u16, Duration) {
        let started = Instant::now();
        if self.writer.write_all(request.as_bytes()).is_err() {
            return (0, started.elapsed());
        }
        let mut line = String::new();
        if self.reader.read_line(&mut line).is_err() {
            return (0, started.elapsed());
        }
        let status: u16 = line.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if self.reader.read_exact(&mut body).is_err() {
            return (0, started.elapsed());
        }
        self.body = String::from_utf8_lossy(&body).into_owned();
        (status, started.elapsed())
    }
}
