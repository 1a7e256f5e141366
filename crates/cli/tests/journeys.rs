//! The real server, started as people start it: it stops cleanly on SIGTERM, and the browser
//! journeys (`journeys.py`) run through it: the `amity` binary serving the
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

/// Starts `amity serve --demo` on a fresh data folder and waits until it answers.
fn serve(data: &std::path::Path) -> (Server, String) {
    let _ = std::fs::remove_dir_all(data);
    let addr = format!("127.0.0.1:{}", free_port());
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_amity"))
            .args(["serve", "--demo", "--addr", &addr, "--data-dir"])
            .arg(data)
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
    (server, addr)
}

#[cfg(unix)]
#[test]
fn the_server_stops_cleanly_on_sigterm() {
    let data = std::env::temp_dir().join(format!("amity-sigterm-{}", std::process::id()));
    let (mut server, _) = serve(&data);
    let pid = server.0.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().expect("the server's status") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = std::fs::remove_dir_all(&data);
    assert!(
        status.success(),
        "it drained and exited by itself, not killed: {status:?}"
    );
}

#[test]
fn the_four_journeys_pass_in_a_browser() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shots = std::env::var_os("AMITY_JOURNEY_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target/journeys"));
    let _ = std::fs::remove_dir_all(&shots);
    let data = std::env::temp_dir().join(format!("amity-journeys-{}", std::process::id()));
    let (_server, addr) = serve(&data);
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
