//! The browser journeys (`journeys.py`) through the real server: the `amity` binary serving the
//! demo on a fresh SQLite file, driven by headless Chromium. Screenshots of every step go to
//! `target/journeys` (or `AMITY_JOURNEY_SHOTS`) for a person to look at.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

fn answers(addr: &str) -> bool {
    std::net::TcpStream::connect(addr).is_ok_and(|mut s| {
        use std::io::{Read, Write};
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let asked = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").is_ok();
        let mut reply = String::new();
        asked
            && s.read_to_string(&mut reply).is_ok()
            && reply.starts_with("HTTP/1.")
            && reply.contains(" 200 ")
    })
}

#[test]
fn the_four_journeys_pass_in_a_browser() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shots = std::env::var_os("AMITY_JOURNEY_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target/journeys"));
    let _ = std::fs::remove_dir_all(&shots);
    let data = std::env::temp_dir().join(format!("amity-journeys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let addr = format!("127.0.0.1:{}", free_port());
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_amity"))
            .args(["serve", "--demo", "--addr", &addr, "--data-dir"])
            .arg(&data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the amity binary starts"),
    );
    let started = Instant::now();
    while !answers(&addr) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server did not answer on {addr}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/journeys.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(format!("http://{addr}"))
        .arg(&shots)
        .status()
        .expect("python3 runs the journeys (needs chromium, chromium-driver and selenium)");
    let _ = std::fs::remove_dir_all(&data);
    assert!(
        status.success(),
        "a journey failed; see the output above and {}",
        shots.display()
    );
}
