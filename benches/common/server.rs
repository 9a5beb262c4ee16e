//! A running `planledger serve` and plain GETs to it: shared by the benches (timed) and the
//! integration tests (`tests/it/main.rs` includes this file), so both drive the server alike.

/// A running `planledger serve` on a free port over `store`; stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub address: String,
}

impl Server {
    pub fn start(store: &std::path::Path) -> Server {
        Server::start_with(store, &[])
    }

    /// [`Server::start`] with more options of `serve`.
    pub fn start_with(store: &std::path::Path, options: &[&str]) -> Server {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_planledger"));
        command
            .arg("--store")
            .arg(store)
            .env_remove("PLANLEDGER_STORE");
        Server::start_as(command, options)
    }

    /// Starts `serve` through `command`: planledger (or a program that runs it, such as
    /// `setpriv`) with its global options given.
    pub fn start_as(mut command: std::process::Command, options: &[&str]) -> Server {
        use std::io::BufRead;
        let mut child = command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(options)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("planledger serve starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("serve prints its address");
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("serve prints its address: {line:?}"))
            .to_owned();
        Server { child, address }
    }

    /// One GET over a fresh connection, as a browser's first request: the status line and the
    /// body.
    pub fn fetch(&self, path: &str) -> (String, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.address).expect("the server accepts");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("a timeout can be set");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("the request is sent");
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .expect("the answer is read");
        let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
        (
            head.lines().next().unwrap_or_default().to_owned(),
            body.to_owned(),
        )
    }

    /// The minimum, median and maximum time of `runs` GETs of `path` to the whole answer
    /// (after one to warm the cache).
    pub fn time(&self, path: &str, runs: usize) -> [std::time::Duration; 3] {
        let (status, _) = self.fetch(path);
        assert!(status.contains(" 200 "), "{path}: {status}");
        let mut times: Vec<std::time::Duration> = (0..runs)
            .map(|_| {
                let start = std::time::Instant::now();
                self.fetch(path);
                start.elapsed()
            })
            .collect();
        times.sort();
        [times[0], times[times.len() / 2], times[times.len() - 1]]
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
