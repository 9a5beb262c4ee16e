//! The web view under measurement: a running `planledger serve` and timed GETs.

/// A running `planledger serve` on a free port over `store`; stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub address: String,
}

impl Server {
    pub fn start(store: &std::path::Path) -> Server {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_planledger"))
            .arg("--store")
            .arg(store)
            .args(["serve", "--addr", "127.0.0.1:0"])
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

    /// One GET over a fresh connection, as a browser's first request: the time to the whole
    /// answer, and whether it was a 200.
    pub fn get(&self, path: &str) -> (std::time::Duration, bool) {
        use std::io::{Read, Write};
        let start = std::time::Instant::now();
        let mut stream = std::net::TcpStream::connect(&self.address).expect("the server accepts");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("the request is sent");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("the answer is read");
        (start.elapsed(), answer.starts_with(b"HTTP/1.1 200"))
    }

    /// The minimum, median and maximum of `runs` GETs of `path` (after one to warm the cache).
    pub fn time(&self, path: &str, runs: usize) -> [std::time::Duration; 3] {
        let (_, ok) = self.get(path);
        assert!(ok, "{path} does not answer 200");
        let mut times: Vec<std::time::Duration> = (0..runs).map(|_| self.get(path).0).collect();
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

/// A path's query value percent-encoded.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
